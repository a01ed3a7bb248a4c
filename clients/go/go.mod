module rosetta.dev/clients/go

go 1.19
