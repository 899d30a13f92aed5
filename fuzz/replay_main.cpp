// replay_main.cpp — a fuzz target's entry point (LLVMFuzzerTestOneInput) run
// over files, without libFuzzer. The ordinary build links every
// fuzz/<name>_fuzz.cpp with this main as fuzz_replay_<name>, and ctest's
// fuzz_corpus_<name> runs the target's seed corpus (crash regressions
// included) through it, so the corpus and the invariants stay valid as the
// code changes.
//
// Usage: fuzz_replay_<name> PATH...   (files, or directories: every regular
// file in them, in name order; dot-files are skipped). An invariant that fails
// aborts; exit status 1 when no input was found (a wrong path fails too).
//
// Thread-safety: a program; single-threaded.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      std::vector<fs::path> in_dir;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().filename().string().rfind('.', 0) != 0)
          in_dir.push_back(e.path());
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs (usage: %s FILE|DIR...)\n", argv[0]);
    return 1;
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), bytes.size());
    // A copy in a buffer of exactly its size, as libFuzzer passes it (ASan sees overreads).
    std::vector<uint8_t> buf(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(buf.data(), buf.size());
  }
  std::printf("replay: %zu inputs ran, every invariant held\n", files.size());
  return 0;
}
