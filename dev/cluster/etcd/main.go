// Command etcd is etcd's own server entry point, built from the published
// go.etcd.io/etcd/server/v3 module; it is what etcd's main.go in the etcd
// repository does.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
