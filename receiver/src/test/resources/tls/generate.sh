#!/bin/sh
# Test-only PKI for the TLS tests: a CA, a server certificate for localhost,
# rosetta.test, 127.0.0.1 and ::1, and a client certificate for mutual TLS; keys in PKCS#8 PEM.
# Then a second CA and its certificates (see below). Valid for 100 years; rerun to regenerate.
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

# A second, unrelated CA ("other") for the refusal and reload tests: a client certificate the first
# CA does not vouch for, and a second server certificate for localhost whose key is written in SEC1
# form (BEGIN EC PRIVATE KEY). And an RSA server certificate whose key is PKCS#1 (BEGIN RSA PRIVATE
# KEY), as cert-manager writes RSA keys.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other-ca.key
openssl req -x509 -new -key other-ca.key -sha256 -days $days -subj "/CN=Rosetta Other Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out other-ca.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other-client.key
openssl req -new -key other-client.key -subj "/CN=rosetta-other-client" -out other-client.csr
printf 'extendedKeyUsage=clientAuth\n' > other-client.ext
openssl x509 -req -in other-client.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -sha256 -days $days \
  -extfile other-client.ext -out other-client.pem
openssl ecparam -name prime256v1 -genkey -noout -out other-server.key
openssl req -new -key other-server.key -subj "/CN=rosetta-other-server" -out other-server.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' > other-server.ext
openssl x509 -req -in other-server.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -sha256 -days $days \
  -extfile other-server.ext -out other-server.pem
openssl genrsa -traditional -out rsa-server.key 2048
openssl req -new -key rsa-server.key -subj "/CN=rosetta-rsa-server" -out rsa-server.csr
openssl x509 -req -in rsa-server.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -sha256 -days $days \
  -extfile other-server.ext -out rsa-server.pem
rm -f ./*.csr ./*.ext other-ca.srl other-ca.key
