// An array of doubles whose zeros cost no memory until written: its storage is an anonymous
// mapping, whose pages the kernel supplies zeroed on first write. For the running sums'
// per-block arrays (model/simulation/running_sums.hpp): each block holds a row for every cell
// of the region, but its people live in a few zones, so most of each array stays zero and,
// here, unresident (on the whole region, 102 blocks x 255 cells held 26 MB written with zeros
// before; see the README's speed section for the peak memory it saves).
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstddef>
#include <new>
#include <stdexcept>
#include <utility>

namespace shiftsim::model {

class ZeroedArray {
 public:
  ZeroedArray() = default;
  ZeroedArray(const ZeroedArray& o) { copy_from(o); }
  ZeroedArray& operator=(const ZeroedArray& o) {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  ZeroedArray(ZeroedArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)), bytes_(std::exchange(o.bytes_, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  ~ZeroedArray() { release(); }

  /// n zeros (only 0.0 is accepted, as std::vector's assign would take any value): a fresh
  /// mapping, so no page is resident until a value is written to it.
  void assign(std::size_t n, double zero) {
    if (zero != 0.0) throw std::invalid_argument("ZeroedArray::assign: only zeros");
    release();
    allocate(n);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  double* data() { return data_; }
  const double* data() const { return data_; }
  double& operator[](std::size_t k) { return data_[k]; }
  const double& operator[](std::size_t k) const { return data_[k]; }
  double* begin() { return data_; }
  double* end() { return data_ + size_; }
  const double* begin() const { return data_; }
  const double* end() const { return data_ + size_; }

 private:
  void allocate(std::size_t n) {
    if (n == 0) return;
    const std::size_t bytes = n * sizeof(double);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<double*>(p);
    size_ = n;
    bytes_ = bytes;
  }
  void copy_from(const ZeroedArray& o) {
    allocate(o.size_);
    // Only the pages holding a value are copied, so the copy stays as sparse as the original.
    constexpr std::size_t kPage = 4096 / sizeof(double);
    for (std::size_t k = 0; k < o.size_; k += kPage) {
      const std::size_t e = std::min(o.size_, k + kPage);
      // Bitwise, so that a -0.0 is copied too.
      if (std::any_of(o.data_ + k, o.data_ + e, [](double x) { return std::bit_cast<std::uint64_t>(x) != 0; }))
        std::copy(o.data_ + k, o.data_ + e, data_ + k);
    }
  }
  void release() {
    if (data_) munmap(data_, bytes_);
    data_ = nullptr;
    size_ = 0;
    bytes_ = 0;
  }
  double* data_ = nullptr;
  std::size_t size_ = 0, bytes_ = 0;
};

}  // namespace shiftsim::model
