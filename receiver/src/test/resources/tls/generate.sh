#!/bin/sh
# Test-only PKI for the forwarder's TLS tests: a CA, a server certificate for localhost,
# rosetta.test, 127.0.0.1 and ::1, and a client certificate for mutual TLS. Keys are PKCS#8 PEM
# (what Netty reads without BouncyCastle). Valid for 100 years; rerun to regenerate.
set -eu
cd "$(dirname "$0")"
days=36500
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days $days -subj "/CN=Rosetta Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem
for name in server client; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $name.key
  openssl req -new -key $name.key -subj "/CN=rosetta-$name" -out $name.csr
done
printf 'subjectAltName=DNS:localhost,DNS:rosetta.test,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'extendedKeyUsage=clientAuth\n' > client.ext
for name in server client; do
  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days $days \
    -extfile $name.ext -out $name.pem
done
rm -f ./*.csr ./*.ext ca.srl ca.key
