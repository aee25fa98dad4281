#include "passage/io/hdf5.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace passage::engine::h5 {

namespace {

// HDF5 prints its error stack to stderr by default; we report errors ourselves.
void silence()
{
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

herr_t collect(unsigned n, const H5E_error2_t* err, void* data)
{
  auto* out = static_cast<std::string*>(data);
  if (n == 0 && err->desc != nullptr) {
    *out = err->desc;
  }
  return 0;
}

std::string hdf5_reason()
{
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, &collect, &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

Handle utf8_string_type()
{
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, &H5Tclose);
}

Handle scalar_space()
{
  return Handle(H5Screate(H5S_SCALAR), &H5Sclose);
}

Handle vector_space(std::size_t n, bool extendable)
{
  const hsize_t dims[1] = { n };
  const hsize_t maxdims[1] = { extendable ? H5S_UNLIMITED : n };
  return Handle(H5Screate_simple(1, dims, maxdims), &H5Sclose);
}

} // namespace

// ---------------------------------------------------------------------------
// Object

void Object::fail(const std::string& what) const
{
  const int os_error = errno; // a full disk or a file-size limit shows here
  std::string reason = hdf5_reason();
  if (os_error == ENOSPC || os_error == EFBIG || os_error == EDQUOT || os_error == EROFS ||
      os_error == EIO) {
    reason += (reason.empty() ? "" : "; ") + std::string(std::strerror(os_error));
  }
  std::string msg = file_ + ":" + path_ + ": " + what;
  if (!reason.empty()) {
    msg += " (" + reason + ")";
  }
  throw IoError(msg);
}

std::string Object::child_path(const std::string& name) const
{
  return path_ == "/" ? "/" + name : path_ + "/" + name;
}

void Object::set_attr(const std::string& name, std::string_view value)
{
  if (H5Aexists(id(), name.c_str()) > 0) {
    H5Adelete(id(), name.c_str());
  }
  const Handle type = utf8_string_type();
  const Handle space = scalar_space();
  const Handle a(H5Acreate2(id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                 &H5Aclose);
  if (!a.valid()) {
    fail("cannot create attribute '" + name + "'");
  }
  const std::string copy(value);
  const char* p = copy.c_str();
  if (H5Awrite(a.id(), type.id(), &p) < 0) {
    fail("cannot write attribute '" + name + "'");
  }
}

namespace {
template<class T>
void write_numeric_attr(const Object& o, hid_t id, const std::string& name, const T* v,
                        std::size_t n, bool scalar)
{
  if (H5Aexists(id, name.c_str()) > 0) {
    H5Adelete(id, name.c_str());
  }
  const Handle space = scalar ? scalar_space() : vector_space(n, false);
  const Handle a(H5Acreate2(id, name.c_str(), type_of<T>(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                 &H5Aclose);
  if (!a.valid() || H5Awrite(a.id(), type_of<T>(), v) < 0) {
    throw IoError(o.path() + ": cannot write attribute '" + name + "' (" + hdf5_reason() + ")");
  }
}
} // namespace

void Object::set_attr(const std::string& name, double value)
{
  write_numeric_attr(*this, id(), name, &value, 1, true);
}
void Object::set_attr(const std::string& name, std::int64_t value)
{
  write_numeric_attr(*this, id(), name, &value, 1, true);
}
void Object::set_attr(const std::string& name, std::uint64_t value)
{
  write_numeric_attr(*this, id(), name, &value, 1, true);
}
void Object::set_attr(const std::string& name, std::span<const double> values)
{
  write_numeric_attr(*this, id(), name, values.data(), values.size(), false);
}

bool Object::has_attr(const std::string& name) const
{
  return H5Aexists(id(), name.c_str()) > 0;
}

std::string Object::attr_string(const std::string& name) const
{
  const Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), &H5Aclose);
  if (!a.valid()) {
    fail("missing attribute '" + name + "'");
  }
  const Handle ftype(H5Aget_type(a.id()), &H5Tclose);
  if (H5Tget_class(ftype.id()) != H5T_STRING) {
    fail("attribute '" + name + "' is not text");
  }
  if (H5Tis_variable_str(ftype.id()) > 0) {
    const Handle mtype = utf8_string_type();
    char* p = nullptr;
    if (H5Aread(a.id(), mtype.id(), &p) < 0) {
      fail("cannot read attribute '" + name + "'");
    }
    std::string s = p ? p : "";
    const Handle space = scalar_space();
    H5Dvlen_reclaim(mtype.id(), space.id(), H5P_DEFAULT, &p);
    return s;
  }
  const std::size_t n = H5Tget_size(ftype.id());
  std::string s(n, '\0');
  if (H5Aread(a.id(), ftype.id(), s.data()) < 0) {
    fail("cannot read attribute '" + name + "'");
  }
  s.resize(std::strlen(s.c_str()));
  return s;
}

double Object::attr_double(const std::string& name) const
{
  const Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), &H5Aclose);
  double v = 0.0;
  if (!a.valid() || H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v) < 0) {
    fail("cannot read attribute '" + name + "' as a number");
  }
  return v;
}

std::int64_t Object::attr_int(const std::string& name) const
{
  const Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), &H5Aclose);
  std::int64_t v = 0;
  if (!a.valid() || H5Aread(a.id(), H5T_NATIVE_INT64, &v) < 0) {
    fail("cannot read attribute '" + name + "' as an integer");
  }
  return v;
}

std::uint64_t Object::attr_uint(const std::string& name) const
{
  const Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), &H5Aclose);
  std::uint64_t v = 0;
  if (!a.valid() || H5Aread(a.id(), H5T_NATIVE_UINT64, &v) < 0) {
    fail("cannot read attribute '" + name + "' as an unsigned integer");
  }
  return v;
}

std::vector<double> Object::attr_doubles(const std::string& name) const
{
  const Handle a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), &H5Aclose);
  if (!a.valid()) {
    fail("missing attribute '" + name + "'");
  }
  const Handle space(H5Aget_space(a.id()), &H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<double> v(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (!v.empty() && H5Aread(a.id(), H5T_NATIVE_DOUBLE, v.data()) < 0) {
    fail("cannot read attribute '" + name + "'");
  }
  return v;
}

std::vector<std::string> Object::attr_names() const
{
  std::vector<std::string> names;
  H5Aiterate2(
    id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
    [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    },
    &names);
  return names;
}

// ---------------------------------------------------------------------------
// Group

Group Group::create_group(const std::string& name)
{
  Handle h(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), &H5Gclose);
  if (!h.valid()) {
    fail("cannot create group '" + name + "'");
  }
  return Group(std::move(h), file_, child_path(name));
}

Group Group::open_group(const std::string& name) const
{
  if (!exists(name)) {
    throw IoError(file_ + ": no group '" + child_path(name) + "'");
  }
  Handle h(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), &H5Gclose);
  if (!h.valid()) {
    fail("cannot open group '" + name + "'");
  }
  return Group(std::move(h), file_, child_path(name));
}

bool Group::exists(const std::string& name) const
{
  // Check each level so that "a/b" does not fail when "a" is missing.
  std::size_t pos = 0;
  while (true) {
    const std::size_t slash = name.find('/', pos);
    const std::string prefix = name.substr(0, slash);
    if (H5Lexists(id(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (slash == std::string::npos) {
      return true;
    }
    pos = slash + 1;
  }
}

bool Group::is_group(const std::string& name) const
{
  if (!exists(name)) {
    return false;
  }
  H5O_info_t info;
  if (H5Oget_info_by_name2(id(), name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> Group::members() const
{
  std::vector<std::string> names;
  H5Literate(
    id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
    [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    },
    &names);
  return names;
}

Dataset Group::create_dataset(const std::string& name, hid_t type, std::size_t size,
                              const Layout& layout)
{
  const Handle space = vector_space(size, layout.extendable);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), &H5Pclose);
  std::size_t chunk = layout.chunk;
  if (layout.extendable && chunk == 0) {
    chunk = 4096;
  }
  if (!layout.extendable && chunk > size) {
    chunk = size; // a fixed-size dataset's chunks cannot exceed it (0: contiguous)
  }
  if (chunk > 0) {
    const hsize_t c[1] = { static_cast<hsize_t>(chunk) };
    H5Pset_chunk(dcpl.id(), 1, c);
    if (layout.deflate > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(layout.deflate));
    }
  }
  // The default chunk cache (1 MiB a dataset) keeps written chunks too, so a
  // growing dataset's memory would grow with its length up to 1 MiB each: keep
  // two chunks, the one filling and the one before, and evict written ones first.
  const Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), &H5Pclose);
  if (chunk > 0) {
    H5Pset_chunk_cache(dapl.id(), 11, 2 * chunk * H5Tget_size(type), 1.0);
  }
  Handle h(H5Dcreate2(id(), name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), dapl.id()),
           &H5Dclose);
  if (!h.valid()) {
    fail("cannot create dataset '" + name + "'");
  }
  return Dataset(std::move(h), file_, child_path(name));
}

Dataset Group::create_matrix(const std::string& name, hid_t type, std::size_t rows,
                             std::size_t cols)
{
  const hsize_t dims[2] = { rows, cols };
  const Handle space(H5Screate_simple(2, dims, nullptr), &H5Sclose);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), &H5Pclose);
  // Chunk by whole rows when the matrix is large enough for compression to pay.
  if (rows * cols >= 4096 && rows > 0 && cols > 0) {
    const hsize_t chunk_rows = std::max<hsize_t>(1, std::min<hsize_t>(rows, 65536 / cols));
    const hsize_t c[2] = { chunk_rows, cols };
    H5Pset_chunk(dcpl.id(), 2, c);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), 4);
    }
  }
  Handle h(H5Dcreate2(id(), name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
           &H5Dclose);
  if (!h.valid()) {
    fail("cannot create dataset '" + name + "'");
  }
  return Dataset(std::move(h), file_, child_path(name));
}

Dataset Group::create_rows(const std::string& name, hid_t type, std::size_t cols,
                           std::size_t chunk_rows, int deflate)
{
  if (cols == 0) {
    throw IoError(path() + "/" + name + ": a dataset that grows by rows needs a column");
  }
  const hsize_t dims[2] = { 0, cols };
  const hsize_t maxdims[2] = { H5S_UNLIMITED, cols };
  const Handle space(H5Screate_simple(2, dims, maxdims), &H5Sclose);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), &H5Pclose);
  const hsize_t c[2] = { std::max<hsize_t>(1, chunk_rows), cols };
  H5Pset_chunk(dcpl.id(), 2, c);
  if (deflate > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    H5Pset_shuffle(dcpl.id());
    H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate));
  }
  // As for a growing 1-D dataset: cache the chunk filling and the one before only.
  const Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), &H5Pclose);
  H5Pset_chunk_cache(dapl.id(), 11, 2 * c[0] * cols * H5Tget_size(type), 1.0);
  Handle h(H5Dcreate2(id(), name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), dapl.id()),
           &H5Dclose);
  if (!h.valid()) {
    fail("cannot create dataset '" + name + "'");
  }
  return Dataset(std::move(h), file_, child_path(name));
}

Dataset Group::write_strings(const std::string& name, const std::vector<std::string>& data)
{
  const Handle type = utf8_string_type();
  const Handle space = vector_space(data.size(), false);
  Handle h(
    H5Dcreate2(id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
    &H5Dclose);
  if (!h.valid()) {
    fail("cannot create dataset '" + name + "'");
  }
  std::vector<const char*> ptrs;
  ptrs.reserve(data.size());
  for (const auto& s : data) {
    ptrs.push_back(s.c_str());
  }
  if (!data.empty() &&
      H5Dwrite(h.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
    fail("cannot write dataset '" + name + "'");
  }
  return Dataset(std::move(h), file_, child_path(name));
}

Dataset Group::open_dataset(const std::string& name) const
{
  if (!exists(name)) {
    throw IoError(file_ + ": no dataset '" + child_path(name) + "'");
  }
  Handle h(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), &H5Dclose);
  if (!h.valid()) {
    fail("cannot open dataset '" + name + "'");
  }
  return Dataset(std::move(h), file_, child_path(name));
}

std::vector<std::string> Group::read_strings(const std::string& name) const
{
  const Dataset d = open_dataset(name);
  const std::size_t n = d.size();
  const Handle ftype(H5Dget_type(d.id()), &H5Tclose);
  if (H5Tget_class(ftype.id()) != H5T_STRING) {
    throw IoError(file_ + ":" + child_path(name) + ": not a text dataset");
  }
  std::vector<std::string> out;
  if (H5Tis_variable_str(ftype.id()) > 0) {
    const Handle mtype = utf8_string_type();
    std::vector<char*> ptrs(n, nullptr);
    if (n > 0 && H5Dread(d.id(), mtype.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
      throw IoError(file_ + ":" + child_path(name) + ": cannot read (" + hdf5_reason() + ")");
    }
    for (char* p : ptrs) {
      out.emplace_back(p ? p : "");
    }
    if (n > 0) {
      const Handle space(H5Dget_space(d.id()), &H5Sclose);
      H5Dvlen_reclaim(mtype.id(), space.id(), H5P_DEFAULT, ptrs.data());
    }
  } else {
    const std::size_t w = H5Tget_size(ftype.id());
    std::vector<char> buf(n * w + 1, '\0');
    if (n > 0 && H5Dread(d.id(), ftype.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
      throw IoError(file_ + ":" + child_path(name) + ": cannot read (" + hdf5_reason() + ")");
    }
    for (std::size_t i = 0; i < n; ++i) {
      out.emplace_back(buf.data() + i * w, strnlen(buf.data() + i * w, w));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Dataset

std::size_t Dataset::size() const
{
  const Handle space(H5Dget_space(id()), &H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0) {
    fail("cannot read the size");
  }
  return static_cast<std::size_t>(n);
}

std::vector<std::size_t> Dataset::dims() const
{
  const Handle space(H5Dget_space(id()), &H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) {
    fail("cannot read the shape");
  }
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
  return std::vector<std::size_t>(d.begin(), d.end());
}

void Dataset::append_raw(const void* data, std::size_t n, hid_t type)
{
  if (n == 0) {
    return;
  }
  const hsize_t old = size();
  const hsize_t grown[1] = { old + n };
  if (H5Dset_extent(id(), grown) < 0) {
    fail("cannot extend");
  }
  const Handle fspace(H5Dget_space(id()), &H5Sclose);
  const hsize_t start[1] = { old };
  const hsize_t count[1] = { n };
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  const Handle mspace = vector_space(n, false);
  if (H5Dwrite(id(), type, mspace.id(), fspace.id(), H5P_DEFAULT, data) < 0) {
    fail("cannot append");
  }
}

void Dataset::append_rows_raw(const void* data, std::size_t n, hid_t type)
{
  const auto d = dims();
  if (d.size() != 2 || d[1] == 0 || n % d[1] != 0) {
    fail("cannot append rows: not a 2-D dataset, or not a whole number of rows");
  }
  const hsize_t rows = n / d[1];
  if (rows == 0) {
    return;
  }
  const hsize_t grown[2] = { d[0] + rows, d[1] };
  if (H5Dset_extent(id(), grown) < 0) {
    fail("cannot extend");
  }
  const Handle fspace(H5Dget_space(id()), &H5Sclose);
  const hsize_t start[2] = { d[0], 0 };
  const hsize_t count[2] = { rows, d[1] };
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  const Handle mspace(H5Screate_simple(2, count, nullptr), &H5Sclose);
  if (H5Dwrite(id(), type, mspace.id(), fspace.id(), H5P_DEFAULT, data) < 0) {
    fail("cannot append");
  }
}

void Dataset::read_block_raw(void* data, std::size_t row0, std::size_t rows, std::size_t col0,
                             std::size_t cols, hid_t type) const
{
  const auto d = dims();
  if (d.size() != 2 || row0 + rows > d[0] || col0 + cols > d[1]) {
    fail("cannot read past the end (or not a 2-D dataset)");
  }
  const Handle fspace(H5Dget_space(id()), &H5Sclose);
  const hsize_t start[2] = { row0, col0 };
  const hsize_t count[2] = { rows, cols };
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  const Handle mspace(H5Screate_simple(2, count, nullptr), &H5Sclose);
  if (H5Dread(id(), type, mspace.id(), fspace.id(), H5P_DEFAULT, data) < 0) {
    fail("cannot read");
  }
}

void Dataset::write_raw(const void* data, hid_t type)
{
  if (H5Dwrite(id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail("cannot write");
  }
}

void Dataset::read_raw(void* data, hid_t type) const
{
  if (H5Dread(id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail("cannot read");
  }
}

void Dataset::read_range_raw(void* data, std::size_t first, std::size_t count, hid_t type) const
{
  if (first + count > size()) {
    fail("cannot read past the end");
  }
  const Handle fspace(H5Dget_space(id()), &H5Sclose);
  const hsize_t start[1] = { first };
  const hsize_t n[1] = { count };
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, n, nullptr);
  const Handle mspace = vector_space(count, false);
  if (H5Dread(id(), type, mspace.id(), fspace.id(), H5P_DEFAULT, data) < 0) {
    fail("cannot read");
  }
}

// ---------------------------------------------------------------------------
// File

namespace {
std::atomic<bool> g_close_failed{ false };
} // namespace

bool close_failed() noexcept
{
  return g_close_failed.load();
}

File File::create(const std::string& path, bool exclusive)
{
  silence();
  // HDF5 1.10's file format: a dataset that grows by rows gets an extensible-array chunk
  // index instead of a version-1 B-tree, whose nodes stayed in memory (about 20 bytes
  // a replication, bench/README.md). Files are readable by HDF5 1.10 or later.
  const Handle fapl(H5Pcreate(H5P_FILE_ACCESS), &H5Pclose);
  H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  Handle h(
    H5Fcreate(path.c_str(), exclusive ? H5F_ACC_EXCL : H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()),
    &H5Fclose);
  if (!h.valid()) {
    throw IoError(path + ": cannot create the file (" + hdf5_reason() + ")");
  }
  Handle root(H5Gopen2(h.id(), "/", H5P_DEFAULT), &H5Gclose);
  File f(std::move(root), path);
  f.file_handle_ = std::move(h);
  return f;
}

bool File::is_hdf5(const std::string& path)
{
  silence();
  const htri_t r = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

File File::open_read(const std::string& path)
{
  silence();
  {
    std::ifstream probe(path);
    if (!probe) {
      throw IoError(path + ": no such file");
    }
  }
  if (!is_hdf5(path)) {
    throw IoError(path + ": not an HDF5 file");
  }
  Handle h(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), &H5Fclose);
  if (!h.valid()) {
    throw IoError(path + ": cannot open the file; it may be truncated or damaged (" +
                  hdf5_reason() + ")");
  }
  Handle root(H5Gopen2(h.id(), "/", H5P_DEFAULT), &H5Gclose);
  if (!root.valid()) {
    throw IoError(path + ": cannot read the root group; the file may be truncated");
  }
  File f(std::move(root), path);
  f.file_handle_ = std::move(h);
  return f;
}

void File::flush()
{
  if (H5Fflush(file_handle_.id(), H5F_SCOPE_GLOBAL) < 0) {
    fail("cannot flush");
  }
}

void File::close()
{
  h_.close();
  if (file_handle_.valid()) {
    // Close everything still open in this file, then the file itself; report
    // a failure here (a full disk shows up at this point).
    const herr_t r = H5Fclose(file_handle_.release());
    if (r < 0) {
      g_close_failed.store(true);
      throw IoError(file_ + ": cannot close the file (" + hdf5_reason() + ")");
    }
  }
}

} // namespace passage::engine::h5
