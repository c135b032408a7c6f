// gnu_sort (tokenizer/gnu_sort.h) must leave elements in exactly the order of
// libstdc++'s std::sort, ties included: (key, id) pairs are sorted by key only
// and the resulting id orders compared. The comparison with std::sort is only
// meaningful with libstdc++ (__GLIBCXX__); elsewhere (libc++) the tests check
// that the output is sorted by key and a permutation of the input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tokenizer/gnu_sort.h"

using namespace midigpt;

namespace {

struct Item {
  int key;
  int id;
};

bool by_key(const Item& a, const Item& b) { return a.key < b.key; }

std::vector<Item> with_ids(const std::vector<int>& keys) {
  std::vector<Item> items;
  items.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) items.push_back({keys[i], static_cast<int>(i)});
  return items;
}

std::vector<int> ids(const std::vector<Item>& items) {
  std::vector<int> out;
  out.reserve(items.size());
  for (const Item& it : items) out.push_back(it.id);
  return out;
}

// Sorts keys with gnu_sort and checks the result; returns how many ranges went
// to heap sort (the depth limit). With libstdc++, the ids in the result and
// the sequence of comparisons made (the ids compared, in order) must both be
// std::sort's.
int check(const std::vector<int>& keys, const std::string& label) {
  INFO(label << " (n = " << keys.size() << ")");
  std::vector<std::pair<int, int>> our_log, reference_log;
  auto logging = [](std::vector<std::pair<int, int>>& log) {
    return [&log](const Item& a, const Item& b) {
      log.emplace_back(a.id, b.id);
      return a.key < b.key;
    };
  };
  std::vector<Item> ours = with_ids(keys);
  int heap_sorts = 0;
  gnu_sort(ours.begin(), ours.end(), logging(our_log), [&](auto) { ++heap_sorts; });
#ifdef __GLIBCXX__
  std::vector<Item> reference = with_ids(keys);
  std::sort(reference.begin(), reference.end(), logging(reference_log));
  CHECK(ids(ours) == ids(reference));
  CHECK(our_log.size() == reference_log.size());
  CHECK(our_log == reference_log);
#else
  CHECK(std::is_sorted(ours.begin(), ours.end(), by_key));
  std::vector<int> seen = ids(ours);
  std::sort(seen.begin(), seen.end());
  for (size_t i = 0; i < seen.size(); ++i) REQUIRE(seen[i] == static_cast<int>(i));
  for (const Item& it : ours) REQUIRE(it.key == keys[static_cast<size_t>(it.id)]);
#endif
  return heap_sorts;
}

std::vector<int> random_keys(std::mt19937& rng, int n, int distinct) {
  std::uniform_int_distribution<int> d(0, distinct - 1);
  std::vector<int> keys(static_cast<size_t>(n));
  for (int& k : keys) k = d(rng);
  return keys;
}

// McIlroy's adversary ("A killer adversary for quicksort", 1999): keys start
// as "gas" (all equal and above every solid key) and are frozen one at a time
// as the sort compares them, so that the pivot is always among the smallest.
// Sorting the keys it leaves again takes the same path without the adversary.
// Used here to reach the depth limit (heap sort) of libstdc++'s introsort.
template <class Sort>
std::vector<int> quicksort_killer(int n, Sort sort) {
  std::vector<int> val(static_cast<size_t>(n), n);  // n: gas
  int solid = 0, candidate = -1;
  auto freeze = [&](int x) { val[static_cast<size_t>(x)] = solid++; };
  auto less = [&](int x, int y) {
    const int gas = n;
    if (val[static_cast<size_t>(x)] == gas && val[static_cast<size_t>(y)] == gas) freeze(x == candidate ? x : y);
    if (val[static_cast<size_t>(x)] == gas)
      candidate = x;
    else if (val[static_cast<size_t>(y)] == gas)
      candidate = y;
    return val[static_cast<size_t>(x)] < val[static_cast<size_t>(y)];
  };
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  sort(order.begin(), order.end(), less);
  for (int& v : val)
    if (v == n) v = solid++;
  return val;
}

std::vector<int> quicksort_killer(int n) {
  return quicksort_killer(n, [](auto first, auto last, auto less) { gnu_sort(first, last, less); });
}

// The killer stopped where gnu_sort first hands a range to heap sort: the
// keys still "gas" there (most of them) have never been compared with each
// other, so any values above the frozen ones keep the path up to the heap
// sort; they get values among `ties` (many equal keys inside the heap).
std::vector<int> killer_with_ties_in_heap(int n, int ties, std::mt19937& rng) {
  std::vector<int> val(static_cast<size_t>(n), n);
  int solid = 0, candidate = -1;
  bool stopped = false;  // from the first heap sort on, the keys stay as they are
  const auto at = [&](int x) -> int& { return val[static_cast<size_t>(x)]; };
  auto less = [&](int x, int y) {
    if (!stopped) {
      if (at(x) == n && at(y) == n) at(x == candidate ? x : y) = solid++;
      if (at(x) == n)
        candidate = x;
      else if (at(y) == n)
        candidate = y;
    }
    return at(x) < at(y);
  };
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  gnu_sort(order.begin(), order.end(), less, [&](auto) { stopped = true; });
  const int base = solid;
  for (int& v : val)
    if (v == n) v = base + static_cast<int>(rng() % static_cast<unsigned>(ties));
  return val;
}

}  // namespace

TEST_CASE("gnu_sort: std::sort's order on random keys with many ties, n = 0..220") {
  std::mt19937 rng(19);
  for (int n = 0; n <= 220; ++n)
    for (int distinct : {1, 2, 3, 5, 8, 13, 40, 1000})
      for (int round = 0; round < 4; ++round) check(random_keys(rng, n, distinct), "random, " + std::to_string(distinct) + " distinct");
}

TEST_CASE("gnu_sort: std::sort's order on large random inputs") {
  std::mt19937 rng(2024);
  for (int n : {257, 1000, 1024, 4097, 5000, 20000})
    for (int distinct : {2, 7, 50, 128, 1 << 20}) check(random_keys(rng, n, distinct), "large random, " + std::to_string(distinct) + " distinct");
}

TEST_CASE("gnu_sort: std::sort's order on patterned inputs") {
  std::mt19937 rng(7);
  for (int n : {0, 1, 2, 3, 15, 16, 17, 18, 25, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200, 1000, 5000}) {
    std::vector<int> sorted(static_cast<size_t>(n)), reversed(sorted), equal(sorted), organ(sorted), saw(sorted),
        few_swaps(sorted), halves(sorted), sorted_dups(sorted);
    for (int i = 0; i < n; ++i) {
      const size_t u = static_cast<size_t>(i);
      sorted[u] = i;
      reversed[u] = n - i;
      equal[u] = 42;
      organ[u] = i < n / 2 ? i : n - i;
      saw[u] = i % 7;
      halves[u] = i < n / 2 ? 1 : 0;
      sorted_dups[u] = i / 3;
    }
    few_swaps = sorted;
    if (n > 1)
      for (int s = 0; s < 3; ++s)
        std::swap(few_swaps[static_cast<size_t>(rng() % static_cast<unsigned>(n))], few_swaps[static_cast<size_t>(rng() % static_cast<unsigned>(n))]);
    std::vector<int> reversed_dups(sorted_dups.rbegin(), sorted_dups.rend());
    check(sorted, "sorted");
    check(reversed, "reversed");
    check(equal, "all equal");
    check(organ, "organ pipe");
    check(saw, "sawtooth");
    check(few_swaps, "sorted with a few swaps");
    check(halves, "two halves, descending");
    check(sorted_dups, "sorted with duplicates");
    check(reversed_dups, "reversed with duplicates");
  }
}

TEST_CASE("gnu_sort: the depth limit (heap sort) is reached by a quicksort killer and gives std::sort's order") {
  for (int n : {17, 40, 100, 500, 2000}) {
    const std::vector<int> killer = quicksort_killer(n);
#ifdef __GLIBCXX__
    // The adversary's keys depend on every comparison made: built against
    // std::sort, they are the same.
    CHECK(killer == quicksort_killer(n, [](auto first, auto last, auto less) { std::sort(first, last, less); }));
#endif
    const int heap_sorts = check(killer, "quicksort killer");
    if (n >= 100) CHECK(heap_sorts > 0);
    // Ties inside the heap sort: the killer up to the depth limit, then keys
    // in 1, 2, 3 or 10 values for everything still unsorted.
    std::mt19937 rng(static_cast<unsigned>(n));
    if (n >= 100)
      for (int ties : {1, 2, 3, 10}) {
        const int heap_sorts_with_ties = check(killer_with_ties_in_heap(n, ties, rng), "killer with " + std::to_string(ties) + " tied values in the heap");
        CHECK(heap_sorts_with_ties > 0);
      }
    // Merged keys (two, four, eight at a time): mostly no longer killers.
    for (int merge : {2, 4, 8}) {
      std::vector<int> merged = killer;
      for (int& k : merged) k /= merge;
      check(merged, "quicksort killer, keys / " + std::to_string(merge));
    }
    // Ties through the heap with random positions: the killer with a random
    // key in a few values appended below it (id order among equal keys).
    std::vector<int> noisy = killer;
    for (int& k : noisy) k = k * 4 + static_cast<int>(rng() % 3);
    check(noisy, "quicksort killer with noise");
  }
}

TEST_CASE("gnu_sort: a comparator with state and other element types") {
  // Indices sorted by a key held outside, as the encoder sorts note indices by pitch.
  std::mt19937 rng(5);
  for (int round = 0; round < 200; ++round) {
    const int n = static_cast<int>(rng() % 60);
    std::vector<int> pitch = random_keys(rng, n, 4 + round % 10);
    std::vector<int> a(static_cast<size_t>(n)), b;
    for (int i = 0; i < n; ++i) a[static_cast<size_t>(i)] = i;
    b = a;
    auto less = [&](int x, int y) { return pitch[static_cast<size_t>(x)] < pitch[static_cast<size_t>(y)]; };
    gnu_sort(a.begin(), a.end(), less);
#ifdef __GLIBCXX__
    std::sort(b.begin(), b.end(), less);
    CHECK(a == b);
#else
    CHECK(std::is_sorted(a.begin(), a.end(), less));
#endif
  }
  // Strings (moved, not copied), by length only.
  std::vector<std::string> words, reference;
  for (int i = 0; i < 300; ++i) words.push_back(std::string(static_cast<size_t>(rng() % 9), static_cast<char>('a' + i % 26)) + std::to_string(i));
  reference = words;
  auto shorter = [](const std::string& x, const std::string& y) { return x.size() < y.size(); };
  gnu_sort(words.begin(), words.end(), shorter);
#ifdef __GLIBCXX__
  std::sort(reference.begin(), reference.end(), shorter);
  CHECK(words == reference);
#else
  CHECK(std::is_sorted(words.begin(), words.end(), shorter));
#endif
  // A plain array (pointers as iterators), descending.
  int raw[40];
  int raw_ref[40];
  for (int i = 0; i < 40; ++i) raw[i] = raw_ref[i] = static_cast<int>(rng() % 5);
  gnu_sort(raw, raw + 40, [](int x, int y) { return x > y; });
  std::sort(raw_ref, raw_ref + 40, [](int x, int y) { return x > y; });
  CHECK(std::equal(raw, raw + 40, raw_ref));
}
