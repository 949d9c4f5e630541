// The peer of benchmarks/compile_aws.py: the same N-function app in TypeScript CDK. Each
// function: a Lambda (zip asset, its own role, log group with retention), a route on an HTTP
// API with a Lambda integration. N comes from the context (cdk synth -c functions=N).
// CloudFormation caps a stack at 500 resources, so the functions go 50 to a stack, each
// stack with its own HTTP API (faas-iac's Pulumi plan has no such cap).
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';

const app = new App();
const n = Number(app.node.tryGetContext('functions') ?? '100');
const asset = path.join(__dirname, 'handler');
let code = lambda.Code.fromAsset(asset);
const PER_STACK = 50;
let stack = new Stack(app, 'Bench0');
let api = new HttpApi(stack, 'Api', { apiName: 'bench0' });
for (let i = 0; i < n; i++) {
  if (i > 0 && i % PER_STACK === 0) {
    stack = new Stack(app, `Bench${i / PER_STACK}`);
    api = new HttpApi(stack, 'Api', { apiName: `bench${i / PER_STACK}` });
    code = lambda.Code.fromAsset(asset); // CDK wants one Code instance per stack
  }
  const name = `fn${i}`;
  const logGroup = new logs.LogGroup(stack, `${name}Logs`, {
    logGroupName: `/aws/lambda/bench-${name}`,
    retention: logs.RetentionDays.ONE_MONTH,
  });
  const fn = new lambda.Function(stack, name, {
    functionName: `bench-${name}`,
    runtime: lambda.Runtime.PYTHON_3_11,
    handler: 'handler.handler',
    code,
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment: { FUNCTION: name },
    logGroup,
  });
  api.addRoutes({
    path: `/r${i}/{id}`,
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration(`${name}Integration`, fn),
  });
}
app.synth();
