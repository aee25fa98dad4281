#pragma once
//! A small RAII layer over the HDF5 C API: move-only handles, every call checked
//! (an IoError names the file and object path), a type trait from C++ types to
//! HDF5 types, chunked and compressed 1-D datasets that can grow, and UTF-8
//! string attributes and datasets that h5py and R read as text.

#include <cstdint>
#include <hdf5.h>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace passage::engine::h5 {

//! An HDF5 failure, naming the file and the object.
class IoError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

//! Whether closing some file failed in this process (a full disk): HDF5 then
//! keeps it open, and its exit handlers may crash on it (HDF5 1.10), so `main`
//! leaves without them.
bool close_failed() noexcept;

//! The HDF5 type of a C++ type.
template<class T>
hid_t type_of();
template<>
inline hid_t type_of<double>()
{
  return H5T_NATIVE_DOUBLE;
}
template<>
inline hid_t type_of<float>()
{
  return H5T_NATIVE_FLOAT;
}
template<>
inline hid_t type_of<std::int64_t>()
{
  return H5T_NATIVE_INT64;
}
template<>
inline hid_t type_of<std::uint64_t>()
{
  return H5T_NATIVE_UINT64;
}
template<>
inline hid_t type_of<std::int32_t>()
{
  return H5T_NATIVE_INT32;
}
template<>
inline hid_t type_of<std::uint32_t>()
{
  return H5T_NATIVE_UINT32;
}
template<>
inline hid_t type_of<std::uint8_t>()
{
  return H5T_NATIVE_UINT8;
}

//! A move-only owner of one hid_t.
class Handle
{
public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept
  {
    if (this != &o) {
      close();
      id_ = std::exchange(o.id_, -1);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  //! Stop owning the id without closing it.
  hid_t release() noexcept { return std::exchange(id_, -1); }
  void close() noexcept
  {
    if (id_ >= 0 && closer_ != nullptr) {
      closer_(id_);
    }
    id_ = -1;
  }

private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

class Dataset;

//! Something that holds attributes: a file's root group, a group or a dataset.
class Object
{
public:
  hid_t id() const noexcept { return h_.id(); }
  const std::string& path() const noexcept { return path_; }

  void set_attr(const std::string& name, std::string_view value);
  void set_attr(const std::string& name, const char* value)
  {
    set_attr(name, std::string_view(value));
  }
  void set_attr(const std::string& name, double value);
  void set_attr(const std::string& name, std::int64_t value);
  void set_attr(const std::string& name, std::uint64_t value);
  void set_attr(const std::string& name, int value)
  {
    set_attr(name, static_cast<std::int64_t>(value));
  }
  void set_attr(const std::string& name, std::span<const double> values);

  bool has_attr(const std::string& name) const;
  std::string attr_string(const std::string& name) const;
  double attr_double(const std::string& name) const;
  std::int64_t attr_int(const std::string& name) const;
  std::uint64_t attr_uint(const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& name) const;
  std::vector<std::string> attr_names() const;
  //! An attribute, or `fallback` when the object does not have it.
  template<class T>
  T attr_or(const std::string& name, T fallback) const
  {
    if (!has_attr(name)) {
      return fallback;
    }
    if constexpr (std::is_same_v<T, std::string>) {
      return attr_string(name);
    } else if constexpr (std::is_floating_point_v<T>) {
      return attr_double(name);
    } else {
      return static_cast<T>(attr_int(name));
    }
  }

protected:
  Object() = default;
  Object(Handle h, std::string file, std::string path)
    : h_(std::move(h)), file_(std::move(file)), path_(std::move(path))
  {
  }
  [[noreturn]] void fail(const std::string& what) const;
  std::string child_path(const std::string& name) const;

  Handle h_;
  std::string file_;
  std::string path_;
};

//! Options of a 1-D dataset.
struct Layout
{
  std::size_t chunk = 0; //!< 0: contiguous (or automatic when extendable)
  int deflate = 0;       //!< 0-9; needs chunking
  bool extendable = false;
};

class Group : public Object
{
public:
  Group() = default;
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  bool exists(const std::string& name) const;
  bool is_group(const std::string& name) const;
  //! Names of the members, in name order.
  std::vector<std::string> members() const;

  template<class T>
  Dataset write(const std::string& name, std::span<const T> data, Layout layout = {});
  template<class T>
  Dataset write(const std::string& name, const std::vector<T>& data, Layout layout = {});
  Dataset write_strings(const std::string& name, const std::vector<std::string>& data);
  //! A 2-D dataset (rows x cols, row-major), chunked and compressed when large.
  template<class T>
  Dataset write_matrix(const std::string& name, std::span<const T> data, std::size_t rows,
                       std::size_t cols);
  //! An empty 1-D dataset that grows with Dataset::append.
  template<class T>
  Dataset create_growing(const std::string& name, std::size_t chunk, int deflate);
  //! An empty 2-D dataset of `cols` columns that grows by rows with
  //! Dataset::append_rows; chunks of `chunk_rows` whole rows.
  template<class T>
  Dataset create_growing_rows(const std::string& name, std::size_t cols, std::size_t chunk_rows,
                              int deflate);

  template<class T>
  std::vector<T> read(const std::string& name) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  Dataset open_dataset(const std::string& name) const;

protected:
  friend class File;
  Group(Handle h, std::string file, std::string path)
    : Object(std::move(h), std::move(file), std::move(path))
  {
  }
  Dataset create_dataset(const std::string& name, hid_t type, std::size_t size,
                         const Layout& layout);
  Dataset create_matrix(const std::string& name, hid_t type, std::size_t rows, std::size_t cols);
  Dataset create_rows(const std::string& name, hid_t type, std::size_t cols, std::size_t chunk_rows,
                      int deflate);
};

class Dataset : public Object
{
public:
  Dataset() = default;
  std::size_t size() const;
  //! The extent of each dimension.
  std::vector<std::size_t> dims() const;
  template<class T>
  void append(std::span<const T> data);
  template<class T>
  std::vector<T> read() const;
  //! Elements [first, first + count) of a 1-D dataset, into `out` (resized to count).
  template<class T>
  void read_range(std::size_t first, std::size_t count, std::vector<T>& out) const;
  //! Append whole rows (row-major) to a 2-D dataset made by create_growing_rows.
  template<class T>
  void append_rows(std::span<const T> data);
  //! Rows [first, first + count) of a 2-D dataset, row-major, into `out`.
  template<class T>
  void read_rows(std::size_t first, std::size_t count, std::vector<T>& out) const;
  //! Every row's element j of a 2-D dataset.
  template<class T>
  std::vector<T> read_column(std::size_t j) const;

private:
  friend class Group;
  Dataset(Handle h, std::string file, std::string path)
    : Object(std::move(h), std::move(file), std::move(path))
  {
  }
  void append_raw(const void* data, std::size_t n, hid_t type);
  void read_raw(void* data, hid_t type) const;
  void read_range_raw(void* data, std::size_t first, std::size_t count, hid_t type) const;
  void append_rows_raw(const void* data, std::size_t n, hid_t type);
  //! Rows [row0, row0 + rows) and columns [col0, col0 + cols) of a 2-D dataset.
  void read_block_raw(void* data, std::size_t row0, std::size_t rows, std::size_t col0,
                      std::size_t cols, hid_t type) const;
  void write_raw(const void* data, hid_t type);
  hid_t element_class() const;
};

//! An HDF5 file.
class File : public Group
{
public:
  //! Create (truncating) a file for writing.
  //! With `exclusive`, fail if anything (a file, a symbolic link) is at `path`.
  static File create(const std::string& path, bool exclusive = false);
  //! Open an existing file read-only; IoError when it is missing, truncated or
  //! not HDF5.
  static File open_read(const std::string& path);
  //! True when `path` holds an HDF5 signature.
  static bool is_hdf5(const std::string& path);
  void flush();
  void close();

private:
  File(Handle h, std::string file) : Group(std::move(h), file, "/") {}
  Handle file_handle_;
};

// ---------------------------------------------------------------------------

template<class T>
Dataset Group::write(const std::string& name, std::span<const T> data, Layout layout)
{
  Dataset d = create_dataset(name, type_of<T>(), data.size(), layout);
  if (!data.empty()) {
    d.write_raw(data.data(), type_of<T>());
  }
  return d;
}

template<class T>
Dataset Group::write(const std::string& name, const std::vector<T>& data, Layout layout)
{
  return write<T>(name, std::span<const T>(data), layout);
}

template<class T>
Dataset Group::write_matrix(const std::string& name, std::span<const T> data, std::size_t rows,
                            std::size_t cols)
{
  if (data.size() != rows * cols) {
    throw IoError(path() + "/" + name + ": matrix data does not match its shape");
  }
  Dataset d = create_matrix(name, type_of<T>(), rows, cols);
  if (!data.empty()) {
    d.write_raw(data.data(), type_of<T>());
  }
  return d;
}

template<class T>
Dataset Group::create_growing(const std::string& name, std::size_t chunk, int deflate)
{
  return create_dataset(name, type_of<T>(), 0, Layout{ chunk, deflate, true });
}

template<class T>
Dataset Group::create_growing_rows(const std::string& name, std::size_t cols,
                                   std::size_t chunk_rows, int deflate)
{
  return create_rows(name, type_of<T>(), cols, chunk_rows, deflate);
}

template<class T>
void Dataset::append_rows(std::span<const T> data)
{
  append_rows_raw(data.data(), data.size(), type_of<T>());
}

template<class T>
void Dataset::read_rows(std::size_t first, std::size_t count, std::vector<T>& out) const
{
  const auto d = dims();
  const std::size_t cols = d.size() == 2 ? d[1] : 1;
  out.resize(count * cols);
  if (count > 0 && cols > 0) {
    read_block_raw(out.data(), first, count, 0, cols, type_of<T>());
  }
}

template<class T>
std::vector<T> Dataset::read_column(std::size_t j) const
{
  const auto d = dims();
  std::vector<T> out(d.empty() ? 0 : d[0]);
  if (!out.empty()) {
    read_block_raw(out.data(), 0, out.size(), j, 1, type_of<T>());
  }
  return out;
}

template<class T>
void Dataset::append(std::span<const T> data)
{
  append_raw(data.data(), data.size(), type_of<T>());
}

template<class T>
std::vector<T> Dataset::read() const
{
  std::vector<T> out(size());
  if (!out.empty()) {
    read_raw(out.data(), type_of<T>());
  }
  return out;
}

template<class T>
void Dataset::read_range(std::size_t first, std::size_t count, std::vector<T>& out) const
{
  out.resize(count);
  if (count > 0) {
    read_range_raw(out.data(), first, count, type_of<T>());
  }
}

template<class T>
std::vector<T> Group::read(const std::string& name) const
{
  return open_dataset(name).read<T>();
}

} // namespace passage::engine::h5
