// web_files.cpp — see web_files.h.
#include "auth-service/ui/web_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace jb::ui {

namespace fs = std::filesystem;

Result<std::map<std::string, std::string>> read_web_files(const std::string& dir,
                                                          WebFilesLimits limits) {
  auto fail = [&dir](const std::string& why) {
    return Error{errc::web_files_unreadable, "The web front end's folder " + dir + " " + why};
  };
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail("is not a folder (set JB_UI_DIR).");
  std::map<std::string, std::string> files;
  size_t bytes = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) return fail("cannot be read: " + ec.message() + ".");
  for (; it != end; it.increment(ec)) {
    if (ec) return fail("cannot be read: " + ec.message() + ".");
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    if (files.size() >= limits.max_files)
      return fail("holds more than " + std::to_string(limits.max_files) + " files.");
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) return fail("has a file that cannot be read: " + p.string());
    std::string content = ss.str();
    bytes += content.size();
    if (bytes > limits.max_bytes)
      return fail("holds more than " + std::to_string(limits.max_bytes) + " bytes.");
    files[fs::relative(p, dir, ec).generic_string()] = std::move(content);
  }
  return files;
}

Result<WebBundle> load_web_bundle(const std::string& dir) {
  auto files = read_web_files(dir);
  if (!files.ok()) return files.error();
  auto bundle = build_web_bundle(*files);
  if (!bundle.ok()) return Error{bundle.error().code, "In " + dir + ": " + bundle.error().message};
  return bundle;
}

}  // namespace jb::ui
