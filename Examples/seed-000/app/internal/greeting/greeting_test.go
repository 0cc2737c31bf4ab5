package greeting

import (
	"sync"
	"testing"
)

func TestFor(t *testing.T) {
	cases := map[string]string{"": "hello, world", "qa": "hello, qa"}
	for name, want := range cases {
		if got := For(name); got != want {
			t.Errorf("For(%q) = %q, want %q", name, got, want)
		}
	}
}

// Exercised under -race, as seed 000's CI runs it.
func TestForConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = For("pre")
		}(i)
	}
	wg.Wait()
	for _, r := range results {
		if r != "hello, pre" {
			t.Fatalf("got %q", r)
		}
	}
}
