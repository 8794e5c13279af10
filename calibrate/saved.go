package calibrate

import (
	"encoding/json"
	"os"
)

// saved is the JSON form of a run: cmd/calibrate -save writes it and -from
// renders the doc from it again without running the servers.
type saved struct {
	Machine      Machine
	Measurements []Measurement
}

// Save writes the machine and the measurements to path as JSON.
func Save(path string, mc Machine, ms []Measurement) error {
	b, err := json.MarshalIndent(saved{mc, ms}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// LoadSaved reads what Save wrote. The rows' explanations are taken from Rows,
// which may be newer than the file.
func LoadSaved(path string) (Machine, []Measurement, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Machine{}, nil, err
	}
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return Machine{}, nil, err
	}
	for i, m := range s.Measurements {
		for _, r := range Rows {
			if r.Name == m.Row.Name {
				s.Measurements[i].Row.Why = r.Why
			}
		}
		// The real runs are kept; the engine's side is predicted anew, so
		// a saved run checks the engine as it is now (with the harness's
		// client time, which runs saved before it was modelled lack).
		m.Scenario = WithClient(m.Scenario)
		s.Measurements[i].Scenario = m.Scenario
		_, pred, cpu, err := Predict(m.Scenario)
		if err != nil {
			return Machine{}, nil, err
		}
		s.Measurements[i].Pred, s.Measurements[i].PredCPU = pred, cpu
	}
	return s.Machine, s.Measurements, nil
}
