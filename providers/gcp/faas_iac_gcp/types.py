"""The plan's resource types: ``pulumi_gcp`` type tokens, so every emitter dispatches on them."""

from typing import Final

SERVICE_ACCOUNT: Final = "gcp:serviceaccount/account:Account"
FUNCTION: Final = "gcp:cloudfunctionsv2/function:Function"
SERVICE_INVOKER: Final = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
BUCKET: Final = "gcp:storage/bucket:Bucket"
BUCKET_OBJECT: Final = "gcp:storage/bucketObject:BucketObject"
BUCKET_IAM: Final = "gcp:storage/bucketIAMMember:BucketIAMMember"
TOPIC: Final = "gcp:pubsub/topic:Topic"
TOPIC_IAM: Final = "gcp:pubsub/topicIAMMember:TopicIAMMember"
SUBSCRIPTION: Final = "gcp:pubsub/subscription:Subscription"
SUBSCRIPTION_IAM: Final = "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember"
SCHEDULER_JOB: Final = "gcp:cloudscheduler/job:Job"
EVENTARC_TRIGGER: Final = "gcp:eventarc/trigger:Trigger"
FIRESTORE_DATABASE: Final = "gcp:firestore/database:Database"
SECRET: Final = "gcp:secretmanager/secret:Secret"
SECRET_IAM: Final = "gcp:secretmanager/secretIamMember:SecretIamMember"
PROJECT_IAM: Final = "gcp:projects/iAMMember:IAMMember"
ALERT_POLICY: Final = "gcp:monitoring/alertPolicy:AlertPolicy"
LOG_BUCKET: Final = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
LOG_SINK: Final = "gcp:logging/projectSink:ProjectSink"
WORKFLOW: Final = "gcp:workflows/workflow:Workflow"

#: Roles granted on the project because GCP has no narrower place to grant them. Every other
#: grant is on the resource (a test fails on any project-wide role not listed here).
PROJECT_ROLES: Final = {
    # Firestore has no per-database IAM resource: a project grant with an IAM condition on
    # the database's name is the narrowest.
    "roles/datastore.user": "conditioned on the app's Firestore database",
    "roles/datastore.viewer": "conditioned on the app's Firestore database",
    # Eventarc direct (Storage, Firestore) triggers' service account must receive events.
    "roles/eventarc.eventReceiver": "Eventarc grants it only on projects",
    # Workflows' service account starts executions of itself (continue_as_new, sub-workflows).
    "roles/workflows.invoker": "conditioned on the app's workflows",
}
