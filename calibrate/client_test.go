package calibrate

import "testing"

func TestWithClient(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"model=sync clients=4 cores=2 seed=1", "model=sync clients=4 cores=2 rtt=200µs client-cpu=100µs io-late=300µs seed=1"},
		{"model=sync clients=4", "model=sync clients=4 rtt=200µs client-cpu=100µs io-late=300µs"},
		{"model=sync rtt=1ms clients=4 seed=1", "model=sync rtt=1ms clients=4 client-cpu=100µs io-late=300µs seed=1"},
		{"model=sync client-cpu=0s clients=4 seed=1", "model=sync client-cpu=0s clients=4 rtt=200µs io-late=300µs seed=1"},
		{"model=sync io-late=1ms clients=4 seed=1", "model=sync io-late=1ms clients=4 rtt=200µs client-cpu=100µs seed=1"},
		{"model=sync rtt=1ms client-cpu@1s=1ms io-late@2s=1ms", "model=sync rtt=1ms client-cpu@1s=1ms io-late@2s=1ms"},
		{"model=sync clients=4 io=50ms,100ms seed=1", "model=sync clients=4 io=50ms,100ms rtt=200µs client-cpu=100µs io-late=300µs seed=1"},
	} {
		if got := WithClient(tc.in); got != tc.want {
			t.Errorf("WithClient(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
