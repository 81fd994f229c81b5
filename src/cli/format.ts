/**
 * Numbers in command output, one house style for every report, `changes` and the demo, the same
 * as the dashboard's (core/numbers.ts): $1,234,567, -$12,345, +$12,345 for a change, 85.1%,
 * +12.5%, 2.71x for a coverage ratio. A missing value is an empty cell, so CSV stays easy to load.
 */
import { numberFormats } from '../core/index.js';

export const { money, signedMoney, pct, signedPct, ratio, count } = numberFormats('');
