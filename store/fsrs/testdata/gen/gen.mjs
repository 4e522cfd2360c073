// gen.mjs replays deterministic pseudo-random review sequences through the
// reference FSRS implementation, ts-fsrs 5.4.2 (pinned in package.json and
// package-lock.json), and writes the results as JSON fixtures that the Go
// tests in store/fsrs replay review by review.
//
//   node gen.mjs [out]   (default ../fixtures.json)
//
// Everything is derived from fixed seeds, so re-running gives a byte-identical
// file; check.sh relies on that. Fuzz is off: the Go scheduler has its own
// seeded fuzz. Times are Unix milliseconds; steps are minutes.
import { writeFileSync } from "node:fs";
import {
  FSRSVersion,
  createEmptyCard,
  default_w,
  fsrs,
  generatorParameters,
} from "ts-fsrs";

const WANT_VERSION = "v5.4.2 ";
if (!FSRSVersion.startsWith(WANT_VERSION)) {
  throw new Error(`need ts-fsrs 5.4.2, have ${FSRSVersion}`);
}

// mulberry32: a small seeded PRNG, so the sequences never depend on Math.random.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

// A perturbed but valid weight vector, to exercise more than the defaults.
// w17/w18 are large so that, with two relearning steps, the ceiling that
// FSRS derives from w11, w13 and w14 clips them.
function customW(rand) {
  const ranges = [
    [0.1, 5], [0.5, 8], [1, 20], [5, 60], [4, 8], [0.3, 1.5], [1, 4], [0.001, 0.1],
    [1, 2.5], [0.05, 0.3], [0.5, 1.5], [0.5, 2.5], [0.01, 0.2], [0.1, 0.5], [1, 2.5], [0.2, 0.9],
    [1.5, 3], [1.2, 1.8], [0.5, 1.2], [0.02, 0.3], [0.1, 0.6],
  ];
  return ranges.map(([lo, hi]) => Number((lo + rand() * (hi - lo)).toFixed(4)));
}

const base = {
  w: [...default_w],
  request_retention: 0.9,
  maximum_interval: 36500,
  enable_short_term: true,
  learning_steps: [1, 10],
  relearning_steps: [10],
};
const wRand = mulberry32(2024);
const configs = [
  { name: "default", count: 14, p: {} },
  { name: "long-term", count: 12, p: { enable_short_term: false } },
  { name: "retention-0.8", count: 5, p: { request_retention: 0.8 } },
  { name: "retention-0.95", count: 5, p: { request_retention: 0.95 } },
  { name: "retention-0.7", count: 3, p: { request_retention: 0.7 } },
  { name: "retention-0.99", count: 3, p: { request_retention: 0.99 } },
  { name: "long-term-retention-0.8", count: 3, p: { enable_short_term: false, request_retention: 0.8 } },
  { name: "long-term-retention-0.95", count: 3, p: { enable_short_term: false, request_retention: 0.95 } },
  { name: "max-30", count: 5, p: { maximum_interval: 30 } },
  { name: "max-365", count: 5, p: { maximum_interval: 365 } },
  { name: "long-term-max-30", count: 4, p: { enable_short_term: false, maximum_interval: 30 } },
  { name: "long-term-max-365", count: 4, p: { enable_short_term: false, maximum_interval: 365 } },
  { name: "max-3", count: 2, p: { maximum_interval: 3 } },
  { name: "long-term-max-2", count: 2, p: { enable_short_term: false, maximum_interval: 2 } },
  { name: "no-steps", count: 3, p: { learning_steps: [], relearning_steps: [] } },
  { name: "one-step", count: 3, p: { learning_steps: [10], relearning_steps: [] } },
  { name: "day-steps", count: 3, p: { learning_steps: [5, 30, 1440, 2880], relearning_steps: [15, 2880] } },
  { name: "two-relearning-steps", count: 3, p: { relearning_steps: [10, 60] } },
  { name: "custom-w", count: 4, p: { w: customW(wRand), relearning_steps: [10, 60] } },
  { name: "custom-w-long-term", count: 3, p: { w: customW(wRand), enable_short_term: false, request_retention: 0.85 } },
];

// Rating profiles: weights for Again, Hard, Good, Easy.
const profiles = [
  [0.12, 0.13, 0.6, 0.15],
  [0.4, 0.25, 0.3, 0.05],
  [0.05, 0.1, 0.4, 0.45],
  [0.25, 0.25, 0.25, 0.25],
];

function pick(rand, weights) {
  let x = rand();
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

// nextTime picks when the next review happens, relative to the card's due
// time and the previous review; never before the previous review.
function nextTime(rand, card, prev) {
  const due = card.due.getTime();
  const sched = Math.max(due - prev, MINUTE);
  let t;
  switch (pick(rand, [0.15, 0.31, 0.14, 0.12, 0.1, 0.07, 0.01, 0.1])) {
    case 0: t = due; break; // exactly on time
    case 1: t = due + Math.floor(rand() * Math.max(sched * 0.2, 3 * HOUR)); break; // a little late
    case 2: t = prev + Math.floor(rand() * sched); break; // early
    case 3: t = prev + Math.floor(1 + rand() * 10 * HOUR); break; // same day, maybe across midnight
    case 4: t = due + Math.floor(rand() * 90 * DAY); break; // late
    case 5: t = due + Math.floor(rand() * 20 * YEAR); break; // long gap
    case 6: t = due + Math.floor((150 + rand() * 250) * YEAR); break; // centuries
    default: { // just before or after a UTC midnight
      const mid = Math.ceil(due / DAY) * DAY;
      t = mid + Math.floor((rand() * 2 - 1) * 5 * MINUTE);
    }
  }
  return Math.max(t, prev);
}

const seqRand = mulberry32(0x5eed);
const sequences = [];
let total = 0;
for (const cfg of configs) {
  const params = { ...base, ...cfg.p };
  const f = fsrs(generatorParameters({
    w: params.w,
    request_retention: params.request_retention,
    maximum_interval: params.maximum_interval,
    enable_short_term: params.enable_short_term,
    enable_fuzz: false,
    learning_steps: params.learning_steps.map((m) => `${m}m`),
    relearning_steps: params.relearning_steps.map((m) => `${m}m`),
  }));
  for (let k = 0; k < cfg.count; k++) {
    const rand = seqRand;
    const profile = profiles[k % profiles.length];
    // 1955..2045, to the millisecond, so some sequences start before 1970.
    const start = Date.UTC(1955, 0, 1) + Math.floor(rand() * 90 * YEAR);
    const n = 8 + Math.floor(rand() * 28);
    let card = createEmptyCard(new Date(start));
    let prev = start;
    const reviews = [];
    for (let i = 0; i < n; i++) {
      const now = i === 0 ? start + Math.floor(rand() * 2 * HOUR) : nextTime(rand, card, prev);
      const rating = 1 + pick(rand, profile);
      const retrievability = f.get_retrievability(card, new Date(now), false);
      card = f.next(card, new Date(now), rating).card;
      reviews.push({
        now,
        rating,
        retrievability,
        due: card.due.getTime(),
        stability: card.stability,
        difficulty: card.difficulty,
        scheduled_days: card.scheduled_days,
        learning_steps: card.learning_steps,
        reps: card.reps,
        lapses: card.lapses,
        state: card.state,
        last_review: card.last_review.getTime(),
      });
      prev = now;
    }
    total += reviews.length;
    sequences.push({ name: `${cfg.name}/${k}`, params, start, reviews });
  }
}

// One review per line keeps diffs of the fixtures readable.
const lines = [];
lines.push("{");
lines.push(`  "generator": ${JSON.stringify(`ts-fsrs ${FSRSVersion}, store/fsrs/testdata/gen/gen.mjs`)},`);
lines.push(`  "total_reviews": ${total},`);
lines.push(`  "sequences": [`);
sequences.forEach((s, si) => {
  lines.push(`    {"name": ${JSON.stringify(s.name)}, "start": ${s.start},`);
  lines.push(`     "params": ${JSON.stringify(s.params)},`);
  lines.push(`     "reviews": [`);
  s.reviews.forEach((r, ri) => {
    lines.push(`      ${JSON.stringify(r)}${ri < s.reviews.length - 1 ? "," : ""}`);
  });
  lines.push(`    ]}${si < sequences.length - 1 ? "," : ""}`);
});
lines.push("  ]");
lines.push("}");

const out = process.argv[2] ?? new URL("../fixtures.json", import.meta.url).pathname;
writeFileSync(out, lines.join("\n") + "\n");
console.error(`wrote ${total} reviews in ${sequences.length} sequences to ${out}`);
