# expect unlocated: FIAC002
from faas_iac import Queue

queue = Queue("orders")
