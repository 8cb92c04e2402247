"""A small plan for the export and diff tests (the example plans are the golden file's)."""

from __future__ import annotations

PLAN_V1 = """\
# A small AI feature, for the export tests.
[plan]
name = "Support assistant <script>alert(1)</script>"
start = 2027-01-04

[forecast]
runs = 2000
seed = 42

[items.collect]
title = "Collect | label tickets: 20k"
kind = "data"
estimate = [10, 15, 30]
data = 0.4

[items.intent]
title = "Intent model <b>F1</b> 0.85"
kind = "experiment"
estimate = [5, 10, 20]
p_success = 0.6
max_attempts = 3
depends_on = ["collect"]
readiness = 3

[items.ui]
title = "Chat UI"
estimate = [5, 8, 12]

[items.beta]
title = "Beta: section 1 & <launch>"
kind = "milestone"
depends_on = ["intent", "ui"]
target = 2027-03-15

[items.ga]
title = "General availability"
kind = "milestone"
depends_on = ["beta"]
target = 2027-04-30

[risks.vendor]
title = "Labeling vendor slips"
probability = 0.3
delay = [5, 10, 20]
affects = ["collect"]

[scenarios.second-vendor]
title = "Hire a second labeling vendor"
items.collect.estimate = [7, 10, 18]
"""

# v2: the UI takes longer and a new audit gates the beta; the vendor risk is likelier.
PLAN_V2 = (
    PLAN_V1.replace("estimate = [5, 8, 12]", "estimate = [10, 15, 25]")
    .replace('depends_on = ["intent", "ui"]', 'depends_on = ["intent", "ui", "audit"]')
    .replace("probability = 0.3", "probability = 0.5")
    + """
[items.audit]
title = "Bias and fairness audit"
estimate = [3, 5, 10]
depends_on = ["intent"]
"""
)
