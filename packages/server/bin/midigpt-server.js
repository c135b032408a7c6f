#!/usr/bin/env node
import { serverMain } from '../dist/cli.js';

process.exitCode = await serverMain(process.argv);
