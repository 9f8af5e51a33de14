// The environment switches (env_switch.h).
#include "env_switch.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "nmc_internal.h"

namespace nmc {

const char *env_value(const char *name) {
    const char *v = std::getenv(name);
    return v == nullptr || *v == '\0' ? nullptr : v;
}

int choice_index(const char *value, std::initializer_list<const char *> choices) {
    if (value == nullptr) return -1;
    int i = 0;
    for (const char *c : choices) {
        if (std::strcmp(value, c) == 0) return i;
        i++;
    }
    return -1;
}

int env_choice(const char *name, std::initializer_list<const char *> choices, int *index) {
    const char *v = env_value(name);
    *index = choice_index(v, choices);
    if (v == nullptr || *index >= 0) return NMC_OK;
    int i = 0;
    std::string list;
    for (const char *c : choices) {
        i++;
        list += (list.empty() ? "" : i == (int)choices.size() ? " or " : ", ") + std::string(c);
    }
    return fail(std::string(name) + " must be " + list + ", got '" + v + "': unset it or pick one");
}

bool env_flag(const char *name, bool fallback) {
    const char *v = env_value(name);
    return v != nullptr && (v[0] == '1' || v[0] == '0') ? v[0] == '1' : fallback;
}

long long env_int(const char *name, long long lo, long long hi, long long fallback) {
    const char *v = env_value(name);
    if (v == nullptr) return fallback;
    const long long n = std::atoll(v);
    return n >= lo && n <= hi ? n : fallback;
}

double env_positive(const char *name, double fallback) {
    const char *v = env_value(name);
    if (v == nullptr) return fallback;
    char *end = nullptr;
    const double s = std::strtod(v, &end);
    return end != v && *end == 0 && s > 0 ? s : fallback;
}

}  // namespace nmc
