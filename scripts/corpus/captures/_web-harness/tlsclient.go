package main

import (
	"crypto/tls"
	"crypto/x509"
	"log"
	"net/http"
	"os"
)

func main() {
	cfg := &tls.Config{}
	if len(os.Args) > 2 {
		pool := x509.NewCertPool()
		pem, _ := os.ReadFile(os.Args[2])
		pool.AppendCertsFromPEM(pem)
		cfg.RootCAs = pool
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	resp, err := c.Get(os.Args[1])
	if err != nil {
		log.Fatalf("request failed: %v", err)
	}
	log.Printf("status %s", resp.Status)
}
