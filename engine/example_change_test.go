package engine_test

import (
	"fmt"
	"time"

	"playground/engine"
)

// A slider moved during a run appends a live change; the scenario text
// then replays the whole session.
func ExampleScenario_AddChange() {
	sc, err := engine.ParseScenario("model=gthread workers=1 threads=2 io=200ms clients=40 io@20s=2s")
	if err != nil {
		panic(err)
	}
	if err := sc.AddChange("workers", 10*time.Second, "4"); err != nil {
		panic(err)
	}
	fmt.Println(sc)
	fmt.Println(sc.AddChange("threads", 12*time.Second, "4") != nil)
	// Output:
	// model=gthread threads=2 io=200ms clients=40 workers@10s=4 io@20s=2s
	// true
}

func ExampleKey_Live() {
	for _, k := range engine.Keys() {
		if k.Name != "workers" {
			continue
		}
		for _, m := range []engine.Model{engine.ModelGthread, engine.ModelAsyncio} {
			if ok, why := k.Live(m); ok {
				fmt.Println(m, "takes it live")
			} else {
				fmt.Println(m, "refuses:", why)
			}
		}
	}
	fmt.Println(engine.LiveKeys(engine.ModelAsyncio))
	// Output:
	// gthread takes it live
	// asyncio refuses: uvicorn 0.17 cannot change --workers while running: its supervisor starts the workers once and handles only SIGINT and SIGTERM (uvicorn/supervisors/multiprocess.py:15-18, 58-63); restart it with the new value
	// [io io-dist io-late calls parallel blocking cpu cache slow slow-io background clients think rtt client-cpu upstream-cpu sampler-cpu rate client-timeout newidle]
}

// A view changes a running lane: the change applies at its time, after the
// events of that moment, exactly as it would in a replay from 0.
func ExampleSim_Change() {
	sc, err := engine.ParseScenario("model=sync workers=1 io=200ms clients=40 duration=30s")
	if err != nil {
		panic(err)
	}
	s := engine.NewLane(sc, 0, engine.Options{})
	s.RunUntil(10 * time.Second)
	if err := s.Change(s.Now(), "workers", "4"); err != nil {
		panic(err)
	}
	s.RunUntil(20 * time.Second)
	fmt.Println(s.Config().Workers, s.Scenario())
	// Output:
	// 4 model=sync io=200ms clients=40 duration=30s workers@10s=4
}
