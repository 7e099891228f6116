package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	_, err := http.Get("http://" + os.Args[1] + ":8000/api/health")
	if err != nil {
		log.Fatalf("health check failed: %v", err)
	}
}
