#!/usr/bin/env node
// The CDK app's entry point (cdk.json runs it with tsx): both stacks, checked by cdk-nag on every synth.
import { createApp } from '../lib/app.js';

createApp({ nag: true }).app.synth();
