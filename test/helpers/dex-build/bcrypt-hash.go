// Command bcrypt-hash reads one password per stdin line and prints its bcrypt hash (cost 10, the
// lowest Dex's password connector accepts) on the matching stdout line. The toolkit builds it
// beside Dex, from the bcrypt package Dex itself uses, to write staticPasswords for the demo
// users; passwords never appear on a command line or in output.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	var passwords [][]byte
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		passwords = append(passwords, append([]byte(nil), in.Bytes()...))
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "bcrypt-hash: reading stdin:", err)
		os.Exit(1)
	}

	hashes := make([][]byte, len(passwords))
	errs := make([]error, len(passwords))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				hashes[i], errs[i] = bcrypt.GenerateFromPassword(passwords[i], bcrypt.DefaultCost)
			}
		}()
	}
	for i := range passwords {
		next <- i
	}
	close(next)
	wg.Wait()

	out := bufio.NewWriter(os.Stdout)
	for i, hash := range hashes {
		if errs[i] != nil {
			fmt.Fprintf(os.Stderr, "bcrypt-hash: line %d: %v\n", i+1, errs[i])
			os.Exit(1)
		}
		out.Write(hash)
		out.WriteByte('\n')
	}
	out.Flush()
}
