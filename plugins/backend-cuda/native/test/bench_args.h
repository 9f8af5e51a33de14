// The benchmarks' `--name value` options (bench.cpp, train_bench.cpp, nccl_bench.cpp): each program
// names its options and where their values go, then parses argv once.
//
//   BenchArgs args;
//   args.text("--preset", &name).integer("--seq", &seq).number("--min-mb", &min_mb);
//   if (!args.parse(argc, argv, 1)) return 2;
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

class BenchArgs {
  public:
    BenchArgs &text(const char *name, std::string *to) { return add(name, to, nullptr, nullptr); }
    BenchArgs &integer(const char *name, int *to) { return add(name, nullptr, to, nullptr); }  // atoi
    BenchArgs &number(const char *name, double *to) { return add(name, nullptr, nullptr, to); }  // atof

    // The pairs argv[first], argv[first + 1], ... (a last name without a value is ignored). An option
    // not named: "error: unknown option NAME" on stderr and false.
    bool parse(int argc, char **argv, int first) const {
        for (int i = first; i + 1 < argc; i += 2) {
            const std::string k = argv[i], v = argv[i + 1];
            const Option *o = find(k);
            if (o == nullptr) {
                fprintf(stderr, "error: unknown option %s\n", k.c_str());
                return false;
            }
            if (o->text) *o->text = v;
            if (o->integer) *o->integer = atoi(v.c_str());
            if (o->number) *o->number = atof(v.c_str());
        }
        return true;
    }

  private:
    struct Option {
        std::string name;
        std::string *text;
        int *integer;
        double *number;
    };
    std::vector<Option> options_;

    BenchArgs &add(const char *name, std::string *text, int *integer, double *number) {
        options_.push_back({name, text, integer, number});
        return *this;
    }
    const Option *find(const std::string &name) const {
        for (const Option &o : options_)
            if (o.name == name) return &o;
        return nullptr;
    }
};
