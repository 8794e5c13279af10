package calibrate

import "testing"

func TestWithClient(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"model=sync clients=4 cores=2 seed=1", "model=sync clients=4 cores=2 rtt=200µs client-cpu=100µs io-late=300µs sampler-cpu=17.06ms newidle=false seed=1"},
		{"model=sync clients=4", "model=sync clients=4 rtt=200µs client-cpu=100µs io-late=300µs sampler-cpu=17.06ms newidle=false"},
		{"model=sync rtt=1ms clients=4 seed=1", "model=sync rtt=1ms clients=4 client-cpu=100µs io-late=300µs sampler-cpu=17.06ms newidle=false seed=1"},
		{"model=sync client-cpu=0s clients=4 seed=1", "model=sync client-cpu=0s clients=4 rtt=200µs io-late=300µs sampler-cpu=17.06ms newidle=false seed=1"},
		{"model=sync io-late=1ms clients=4 seed=1", "model=sync io-late=1ms clients=4 rtt=200µs client-cpu=100µs sampler-cpu=17.06ms newidle=false seed=1"},
		{"model=sync rtt=1ms client-cpu@1s=1ms io-late@2s=1ms sampler-cpu=0s", "model=sync rtt=1ms client-cpu@1s=1ms io-late@2s=1ms sampler-cpu=0s newidle=false"},
		{"model=sync clients=4 io=50ms,100ms seed=1", "model=sync clients=4 io=50ms,100ms rtt=200µs client-cpu=100µs io-late=300µs sampler-cpu=17.06ms newidle=false seed=1"},
		{"model=sync workers=4 clients=8 seed=1", "model=sync workers=4 clients=8 rtt=200µs client-cpu=100µs io-late=300µs sampler-cpu=22.64ms newidle=false seed=1"},
	} {
		if got := WithClient(tc.in); got != tc.want {
			t.Errorf("WithClient(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The sampler's sample grows with the server's workers, from the fit's
// line; a list of workers (a comparison) counts as one.
func TestSamplerCPU(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"model=sync", "17.06ms"},
		{"model=sync workers=2", "18.92ms"},
		{"model=sync workers=50 clients=100", "108.2ms"},
		{"model=sync workers=2,4", "17.06ms"},
	} {
		if got := SamplerCPU(tc.in).String(); got != tc.want {
			t.Errorf("SamplerCPU(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
