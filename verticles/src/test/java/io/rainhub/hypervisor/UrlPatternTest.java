package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlPatternTest {

  private static UrlPattern p(String text) {
    return new UrlPattern(text);
  }

  @Test
  void prefixesOverlapWhenOneContainsTheOther() {
    assertThat(p("/shop/*").overlaps(p("/shop/cart/*"))).isTrue();
    assertThat(p("/shop/cart/*").overlaps(p("/shop/*"))).isTrue();
    assertThat(p("/*").overlaps(p("/anything"))).isTrue();
    assertThat(p("/shop/*").overlaps(p("/blog/*"))).isFalse();
  }

  @Test
  void exactPathsOverlapOnlyThemselvesOrACoveringPrefix() {
    assertThat(p("/shop/cart").overlaps(p("/shop/cart"))).isTrue();
    assertThat(p("/shop/cart").overlaps(p("/shop/*"))).isTrue();
    assertThat(p("/shop/cart").overlaps(p("/shop/basket"))).isFalse();
    assertThat(p("/shop").overlaps(p("/shop/*"))).isFalse();
  }

  @Test
  void matchingIgnoresTheQuery() {
    assertThat(p("/shop/*").matches("/shop/cart?item=3")).isTrue();
    assertThat(p("/shop/cart").matches("/shop/cart?x=1")).isTrue();
    assertThat(p("/shop/cart").matches("/shop/cart/more")).isFalse();
  }

  @Test
  void syntaxAllowsOneTrailingStarOnly() {
    assertThat(UrlPattern.SYNTAX.matcher("/shop/*").matches()).isTrue();
    assertThat(UrlPattern.SYNTAX.matcher("/").matches()).isTrue();
    assertThat(UrlPattern.SYNTAX.matcher("shop/*").matches()).isFalse();
    assertThat(UrlPattern.SYNTAX.matcher("/a/*/b").matches()).isFalse();
    assertThat(UrlPattern.SYNTAX.matcher("/a b").matches()).isFalse();
  }
}
