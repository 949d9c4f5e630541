# expect FIAC002  (the file as a whole)
from faas_iac import Queue

queue = Queue("orders")
