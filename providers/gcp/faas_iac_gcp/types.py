"""The plan's resource types: ``pulumi_gcp`` type tokens, so every emitter dispatches on them."""

from typing import Final

SERVICE_ACCOUNT: Final = "gcp:serviceaccount:Account"
FUNCTION: Final = "gcp:cloudfunctionsv2:Function"
FUNCTION_IAM_MEMBER: Final = "gcp:cloudfunctionsv2:FunctionIamMember"
SCHEDULER_JOB: Final = "gcp:cloudscheduler:Job"
FIRESTORE_DATABASE: Final = "gcp:firestore:Database"
WORKFLOW: Final = "gcp:workflows:Workflow"
SECRET: Final = "gcp:secretmanager:Secret"
SECRET_IAM_MEMBER: Final = "gcp:secretmanager:SecretIamMember"
