// Package fakegleap is a stand-in for the Gleap REST API that runs in-process on loopback.
//
// Every request it receives is validated against the project's openapi.yaml (security included) and so is
// every response it sends, so code tested against it speaks the documented contract both ways. The test
// suite, the gleaptest package and the CLI's "gleap mock" are built on it; it never reaches the network.
//
// It stays bounded whatever its clients send: LimitRequestBodies caps request bodies, NewServer the
// number of stored messages, and Timeouts how long a connection may be held.
package fakegleap
