// Command server is seed 000's my-app: an HTTP server on :8080 with a health check.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/my-app/internal/greeting"
)

var version = "dev"

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s (version %s)\n", greeting.For(r.URL.Query().Get("name")), version)
	})
	return mux
}

func main() {
	log.Fatal(http.ListenAndServe(":8080", handler()))
}
