#!/usr/bin/env -S node --max-semi-space-size=1
import 'reflect-metadata';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { cwd: process.cwd(), env: process.env, out: process.stdout, err: process.stderr });
