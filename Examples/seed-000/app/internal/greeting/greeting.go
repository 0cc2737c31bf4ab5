// Package greeting builds the responses of my-app.
package greeting

import "fmt"

// For returns the greeting for name; an empty name greets the world.
func For(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("hello, %s", name)
}
