"""The 112 employment service (notice 三㈠): seekers, employers, openings, matching,
recommendations pushed through channels.push, and the yearly 1-1-2 ledger.

Modules: `data` (occupation codes, street centroids, parameters), `imports` (CSV/XLSX),
`matching` (numpy), `pushes` (digests to seekers), `registration` and `chat` (the seeker's
side in the chat), `employers` (their daily email), `ledger`, `console`, `demo`.
"""
