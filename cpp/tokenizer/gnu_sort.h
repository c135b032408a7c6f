#pragma once

// gnu_sort: an unstable sort that leaves elements in exactly the order that
// libstdc++'s std::sort (GCC) leaves them, for every input and comparator,
// ties included.
//
// Why it exists: the reference tokenizer was built with g++/libstdc++ and
// orders the notes of one onset group with std::sort by pitch. std::sort is
// not stable, so notes of equal pitch (duplicates that differ in duration or
// velocity) come out in an order that depends on the standard library's sort
// algorithm. libc++ (macOS, the WebAssembly core built with Emscripten) uses
// another algorithm and, with more than 16 notes at one onset, another order,
// so its tokens differed from the reference's. Using this function instead of
// std::sort gives the reference's order with any standard library.
//
// The algorithm is the well-known introsort as libstdc++ implements it, written
// here from its description (not copied): median-of-three quicksort (pivot the
// median of first+1, middle, last-1, moved to first; unguarded partition),
// recursing on the right part and looping on the left one, down to ranges of
// at most 16 elements, with a depth limit of 2*floor(log2(n)) after which the
// range is heap-sorted; then one insertion sort over the whole range (guarded
// on the first 16 elements, unguarded after). Every comparison and every move
// is made in the same order as libstdc++'s, which is what makes the resulting
// order identical: do not "simplify" any step. cpp/tests/test_gnu_sort.cpp
// compares it with std::sort when built with libstdc++.

#include <algorithm>
#include <iterator>
#include <utility>

namespace midigpt {
namespace gnu_sort_detail {

inline constexpr int kThreshold = 16;

template <class Diff>
Diff floor_log2(Diff n) {  // n > 0
  Diff k = 0;
  while (n > 1) {
    n >>= 1;
    ++k;
  }
  return k;
}

// Heap with the largest element (by less) at the root; the hole technique.
template <class It, class Diff, class T, class Less>
void push_heap_hole(It first, Diff hole, Diff top, T value, Less& less) {
  Diff parent = (hole - 1) / 2;
  while (hole > top && less(*(first + parent), value)) {
    *(first + hole) = std::move(*(first + parent));
    hole = parent;
    parent = (hole - 1) / 2;
  }
  *(first + hole) = std::move(value);
}

// Moves the hole at `hole` down to a leaf, always taking the larger child (the
// right one unless the right is less than the left), then pushes value up.
template <class It, class Diff, class T, class Less>
void adjust_heap(It first, Diff hole, Diff len, T value, Less& less) {
  const Diff top = hole;
  Diff child = hole;
  while (child < (len - 1) / 2) {
    child = 2 * (child + 1);
    if (less(*(first + child), *(first + (child - 1)))) --child;
    *(first + hole) = std::move(*(first + child));
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) / 2) {  // a last node with one child
    child = 2 * (child + 1);
    *(first + hole) = std::move(*(first + (child - 1)));
    hole = child - 1;
  }
  gnu_sort_detail::push_heap_hole(first, hole, top, std::move(value), less);
}

template <class It, class Less>
void make_heap(It first, It last, Less& less) {
  using Diff = typename std::iterator_traits<It>::difference_type;
  using T = typename std::iterator_traits<It>::value_type;
  const Diff len = last - first;
  if (len < 2) return;
  for (Diff parent = (len - 2) / 2;; --parent) {
    T value = std::move(*(first + parent));
    gnu_sort_detail::adjust_heap(first, parent, len, std::move(value), less);
    if (parent == 0) return;
  }
}

// Moves *first (the largest) to *result and re-heaps [first, last) with the
// old *result.
template <class It, class Less>
void pop_heap_into(It first, It last, It result, Less& less) {
  using Diff = typename std::iterator_traits<It>::difference_type;
  using T = typename std::iterator_traits<It>::value_type;
  T value = std::move(*result);
  *result = std::move(*first);
  gnu_sort_detail::adjust_heap(first, Diff(0), Diff(last - first), std::move(value), less);
}

// The depth-limit fallback: libstdc++'s partial_sort(first, last, last), i.e.
// make_heap then sort_heap (its heap-select loop is empty for middle == last).
template <class It, class Less>
void heap_sort(It first, It last, Less& less) {
  gnu_sort_detail::make_heap(first, last, less);
  while (last - first > 1) {
    --last;
    gnu_sort_detail::pop_heap_into(first, last, last, less);
  }
}

// Swaps the median of *a, *b, *c into *result, choosing among ties exactly as
// libstdc++ does.
template <class It, class Less>
void move_median_to_first(It result, It a, It b, It c, Less& less) {
  if (less(*a, *b)) {
    if (less(*b, *c))
      std::iter_swap(result, b);
    else if (less(*a, *c))
      std::iter_swap(result, c);
    else
      std::iter_swap(result, a);
  } else if (less(*a, *c)) {
    std::iter_swap(result, a);
  } else if (less(*b, *c)) {
    std::iter_swap(result, c);
  } else {
    std::iter_swap(result, b);
  }
}

// Hoare-style partition of [first, last) around *pivot (outside the range),
// without bound checks: the median-of-three pivot guarantees sentinels.
template <class It, class Less>
It unguarded_partition(It first, It last, It pivot, Less& less) {
  for (;;) {
    while (less(*first, *pivot)) ++first;
    --last;
    while (less(*pivot, *last)) --last;
    if (!(first < last)) return first;
    std::iter_swap(first, last);
    ++first;
  }
}

template <class It, class Diff, class Less, class OnHeapSort>
void introsort_loop(It first, It last, Diff depth_limit, Less& less, OnHeapSort& on_heap_sort) {
  while (last - first > kThreshold) {
    if (depth_limit == 0) {
      on_heap_sort(last - first);
      gnu_sort_detail::heap_sort(first, last, less);
      return;
    }
    --depth_limit;
    const It mid = first + (last - first) / 2;
    gnu_sort_detail::move_median_to_first(first, first + 1, mid, last - 1, less);
    const It cut = gnu_sort_detail::unguarded_partition(first + 1, last, first, less);
    gnu_sort_detail::introsort_loop(cut, last, depth_limit, less, on_heap_sort);
    last = cut;
  }
}

// Inserts *last into the sorted run before it; something not greater than it
// must lie before (no bound check).
template <class It, class Less>
void unguarded_linear_insert(It last, Less& less) {
  using T = typename std::iterator_traits<It>::value_type;
  T value = std::move(*last);
  It next = last;
  --next;
  while (less(value, *next)) {
    *last = std::move(*next);
    last = next;
    --next;
  }
  *last = std::move(value);
}

template <class It, class Less>
void insertion_sort(It first, It last, Less& less) {
  using T = typename std::iterator_traits<It>::value_type;
  if (first == last) return;
  for (It i = first + 1; i != last; ++i) {
    if (less(*i, *first)) {
      T value = std::move(*i);
      std::move_backward(first, i, i + 1);
      *first = std::move(value);
    } else {
      gnu_sort_detail::unguarded_linear_insert(i, less);
    }
  }
}

template <class It, class Less>
void final_insertion_sort(It first, It last, Less& less) {
  if (last - first > kThreshold) {
    gnu_sort_detail::insertion_sort(first, first + kThreshold, less);
    for (It i = first + kThreshold; i != last; ++i) gnu_sort_detail::unguarded_linear_insert(i, less);
  } else {
    gnu_sort_detail::insertion_sort(first, last, less);
  }
}

struct NoObserver {
  template <class Diff>
  void operator()(Diff) const {}
};

}  // namespace gnu_sort_detail

// Sorts [first, last) by less (a strict weak ordering) into the same order as
// libstdc++'s std::sort(first, last, less). on_heap_sort(size) is called each
// time the depth limit hands a range to heap sort (for tests).
template <class It, class Less, class OnHeapSort>
void gnu_sort(It first, It last, Less less, OnHeapSort on_heap_sort) {
  if (first == last) return;
  const auto n = last - first;
  gnu_sort_detail::introsort_loop(first, last, gnu_sort_detail::floor_log2(n) * 2, less, on_heap_sort);
  gnu_sort_detail::final_insertion_sort(first, last, less);
}

template <class It, class Less>
void gnu_sort(It first, It last, Less less) {
  gnu_sort(first, last, std::move(less), gnu_sort_detail::NoObserver{});
}

}  // namespace midigpt
