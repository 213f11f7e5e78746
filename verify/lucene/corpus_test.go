package lucene_test

import (
	"testing"

	"github.com/sigconv/sigconv/verify/internal/estest"
	"github.com/sigconv/sigconv/verify/lucene"
)

func TestCorpus(t *testing.T) { estest.Corpus(t, lucene.New()) }
