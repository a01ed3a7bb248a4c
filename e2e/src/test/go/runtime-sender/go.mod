module rosetta.dev/runtime-sender

go 1.19
