"""NumPy counting engines over what read/ yields: calls per local hour,
calls as arrays, rolling 60-minute counts and calls in flight. Never
imports reports or output."""
