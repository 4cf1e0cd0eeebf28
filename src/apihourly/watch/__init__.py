"""`apihourly watch`: logs followed as they grow, the rolling hour counted
live, alerts on crossing Autotask's tiers, and Prometheus metrics. Built
from read/, count/, reports/ and output/, as browse/ is."""
