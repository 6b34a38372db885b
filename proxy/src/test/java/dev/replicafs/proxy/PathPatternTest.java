package dev.replicafs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LiteFS's glob semantics ({@code http.CompileMatch}), with LiteFS's own cases first. */
class PathPatternTest {

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
    // the cases of LiteFS's TestCompileMatch
    "/build/*, /build, false",
    "/build/*, /build/, true",
    "/build/*, /build/foo, true",
    "/build/*, /build/foo/bar, true",
    "*.png, /images/pic.png, true",
    "*foo*, /foo, true",
    "*foo*, foo/bar, true",
    "*foo*, /foo/bar, true",
    "*foo*, /bar/baz, false",
    // regex meta characters are literal; the match is anchored on the whole path
    "/a.b, /a.b, true",
    "/a.b, /axb, false",
    "^/my/path$, /my/path, false",
    "^/my/path$, ^/my/path$, true",
    "/api/(v1)/*, /api/(v1)/users, true",
    "/api/[v]1, /api/v1, false",
    "/exact, /exact/, false",
    "/exact, /prefix/exact, false",
    "*, /, true",
    "/a*c, /abbbc, true",
    "/a*c, /abbbd, false"
  })
  void matchesLikeLiteFs(String glob, String path, boolean matches) {
    assertThat(PathPattern.compile(glob).matches(path)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "any of [/static/*, *.css] vs {0} -> {1}")
  @CsvSource({"/static/app.js, true", "/site.css, true", "/api/rows, false"})
  void anyMatchesOverAList(String path, boolean matches) {
    List<PathPattern> patterns = PathPattern.compileAll(List.of("/static/*", "*.css"));
    assertThat(PathPattern.anyMatches(patterns, path)).isEqualTo(matches);
  }
}
