// env_choice (env_switch.h).
#include "env_switch.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "nmc_internal.h"

namespace nmc {

int env_choice(const char *name, std::initializer_list<const char *> choices, int *index) {
    *index = -1;
    const char *v = std::getenv(name);
    if (v == nullptr || *v == '\0') return NMC_OK;
    int i = 0;
    std::string list;
    for (const char *c : choices) {
        if (std::strcmp(v, c) == 0) {
            *index = i;
            return NMC_OK;
        }
        i++;
        list += (list.empty() ? "" : i == (int)choices.size() ? " or " : ", ") + std::string(c);
    }
    return fail(std::string(name) + " must be " + list + ", got '" + v + "': unset it or pick one");
}

}  // namespace nmc
