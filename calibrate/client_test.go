package calibrate

import "testing"

func TestWithClient(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"model=sync clients=4 cores=2 seed=1", "model=sync clients=4 cores=2 rtt=200µs client-cpu=100µs seed=1"},
		{"model=sync clients=4", "model=sync clients=4 rtt=200µs client-cpu=100µs"},
		{"model=sync rtt=1ms clients=4 seed=1", "model=sync rtt=1ms clients=4 client-cpu=100µs seed=1"},
		{"model=sync client-cpu=0s clients=4 seed=1", "model=sync client-cpu=0s clients=4 rtt=200µs seed=1"},
		{"model=sync rtt=1ms client-cpu@1s=1ms", "model=sync rtt=1ms client-cpu@1s=1ms"},
	} {
		if got := WithClient(tc.in); got != tc.want {
			t.Errorf("WithClient(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
