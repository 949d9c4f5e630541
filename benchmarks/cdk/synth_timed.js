// In-process timing of the CDK side for benchmarks/compile_aws.py: the libraries are loaded
// first (not timed, as the Python side's imports are not), then the app is built and
// synthesised (app.js: constructs + app.synth()), timed. N comes from CDK_CONTEXT_JSON and the
// output folder from CDK_OUTDIR, as the CDK CLI would pass them.
require('aws-cdk-lib');
require('aws-cdk-lib/aws-lambda');
require('aws-cdk-lib/aws-logs');
require('aws-cdk-lib/aws-apigatewayv2');
require('aws-cdk-lib/aws-apigatewayv2-integrations');
const start = process.hrtime.bigint();
require('./app.js');
const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
console.log(JSON.stringify({ ms: elapsed }));
