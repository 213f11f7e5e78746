// LuceneValidate parses Lucene queries with Lucene's classic QueryParser,
// the parser behind Elasticsearch's query_string query, and reports each
// query that does not parse.
//
// Input (stdin): queries separated by NUL bytes (a query may contain a
// newline inside a regular expression). Output (stdout): one line per
// failure, "FAIL <index> <message>", "SLOW <index> <ms>ms" for queries
// taking over a second to parse, then "OK <n> FAIL <m>". Exit status 1 when
// any query fails.
//
// The parser is configured like query_string's defaults: leading wildcards
// allowed, and RegexpQuery / WildcardQuery build their automata while
// parsing, so invalid or too complex (over 10000 determinized states)
// regular expressions fail here as they would in Elasticsearch.
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanQuery;

public class LuceneValidate {
    public static void main(String[] args) throws Exception {
        InputStream in = System.in;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        for (int n; (n = in.read(chunk)) > 0; ) {
            buf.write(chunk, 0, n);
        }
        String all = new String(buf.toByteArray(), StandardCharsets.UTF_8);
        String[] queries = all.split("\u0000", -1);
        int ok = 0, fail = 0;
        StandardAnalyzer analyzer = new StandardAnalyzer();
        // Elasticsearch 8 sizes indices.query.bool.max_clause_count from the
        // heap and thread pool (thousands of clauses); Lucene's own default
        // of 1024 would reject queries Elasticsearch accepts.
        BooleanQuery.setMaxClauseCount(1 << 20);
        for (int i = 0; i < queries.length; i++) {
            String q = queries[i];
            if (q.isEmpty()) {
                continue;
            }
            QueryParser p = new QueryParser("message", analyzer);
            p.setAllowLeadingWildcard(true);
            long start = System.nanoTime();
            try {
                p.parse(q);
                ok++;
                long ms = (System.nanoTime() - start) / 1000000;
                if (ms > 1000) {
                    System.out.println("SLOW " + i + " " + ms + "ms");
                }
            } catch (Throwable e) {
                fail++;
                String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
                System.out.println("FAIL " + i + " " + e.getClass().getSimpleName() + ": " + msg);
            }
        }
        System.out.println("OK " + ok + " FAIL " + fail);
        System.exit(fail > 0 ? 1 : 0);
    }
}
