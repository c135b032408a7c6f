// One factory per registry entry (training.md §4.1). Each reads the params it
// takes from `params`; the registry then rejects any it did not read.
#pragma once

#include <memory>

#include "attributes/analyzer.h"
#include "attributes/params.h"

namespace midigpt::attributes {

std::unique_ptr<Attribute> make_polyphony_quantile(Params& params);
std::unique_ptr<Attribute> make_note_duration_quantile(Params& params);
std::unique_ptr<Attribute> make_note_density_quantile(Params& params);
std::unique_ptr<Attribute> make_silence_proportion(Params& params);
std::unique_ptr<Attribute> make_pitch_class_set(Params& params);
std::unique_ptr<Attribute> make_key_signature(Params& params);
std::unique_ptr<Attribute> make_pitch_range(Params& params);
std::unique_ptr<Attribute> make_nomml(Params& params);
std::unique_ptr<Attribute> make_note_density(Params& params);
std::unique_ptr<Attribute> make_onset_polyphony(Params& params);
std::unique_ptr<Attribute> make_note_duration_dist(Params& params);

}  // namespace midigpt::attributes
