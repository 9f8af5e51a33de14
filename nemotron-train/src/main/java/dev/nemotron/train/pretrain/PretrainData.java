package dev.nemotron.train.pretrain;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.data.Blend;
import dev.nemotron.train.data.Curriculum;
import dev.nemotron.train.data.DatasetSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.nemotron.train.data.TokenDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets of a {@link PretrainSpec}, opened and checked against the model, and the
 * curriculum they form.
 */
record PretrainData(List<TokenDataset> datasets, Curriculum curriculum, int eosId, TokenDataset heldOut) {

    static PretrainData open(PretrainSpec spec, int modelVocab) {
        Map<String, TokenDataset> byName = new LinkedHashMap<>();
        List<TokenDataset> datasets = new ArrayList<>();
        Integer eos = null;
        TokenDataset heldOut = spec.evalData() == null ? null : check(TokenDataset.open(spec.evalData()), modelVocab);
        for (PretrainSpec.DataSource src : spec.data()) {
            TokenDataset ds = check(TokenDataset.open(src.dir()), modelVocab);
            if (datasets.isEmpty() && spec.evalFraction() > 0) {
                DatasetSplit.Result split = holdOut(ds, spec);
                ds = split.train();
                heldOut = split.heldOut();
            }
            if (byName.putIfAbsent(ds.name(), ds) != null) {
                throw new NemotronException("two training datasets are named '" + ds.name() + "' (" + byName.get(ds.name()).dir()
                        + " and " + ds.dir() + "); give them different names with 'data tokenize --name'");
            }
            datasets.add(ds);
            Integer e = ds.manifest().eosId();
            if (e != null) {
                if (eos != null && !eos.equals(e)) {
                    throw new NemotronException("datasets disagree on the end-of-sequence id (" + eos + " vs " + e + " in "
                            + ds.dir() + "); were they tokenized with the same tokenizer?");
                }
                eos = e;
            }
        }
        long totalTokens = spec.steps() * spec.batch() * spec.seqLen();
        Curriculum curriculum;
        if (spec.curriculum().isEmpty()) {
            curriculum = new Curriculum(totalTokens, List.of(new Curriculum.Phase(blend(spec.data(), datasets), 1.0)));
        } else {
            List<Curriculum.Phase> phases = new ArrayList<>();
            for (PretrainSpec.Phase p : spec.curriculum()) {
                List<Blend.Component> cs = new ArrayList<>();
                p.weights().forEach((name, w) -> {
                    TokenDataset ds = byName.get(name);
                    if (ds == null) {
                        throw new NemotronException("curriculum names dataset '" + name + "', which is not among the training "
                                + "data (" + String.join(", ", byName.keySet()) + ")");
                    }
                    if (w > 0) {
                        cs.add(new Blend.Component(ds, w));
                    }
                });
                if (cs.isEmpty()) {
                    throw new NemotronException("curriculum phase ending at " + p.end() + " gives no dataset a positive weight");
                }
                phases.add(new Curriculum.Phase(new Blend(cs), p.end()));
            }
            if (phases.getLast().end() != 1.0) {
                throw new NemotronException("the last curriculum phase must end at 1.0, not " + phases.getLast().end());
            }
            curriculum = new Curriculum(totalTokens, phases);
        }
        return new PretrainData(datasets, curriculum, eos == null ? -1 : eos, heldOut);
    }

    /** The first source split into OUT/data/NAME-train and NAME-heldout (reused when a run is resumed). */
    private static DatasetSplit.Result holdOut(TokenDataset ds, PretrainSpec spec) {
        Path train = spec.out().resolve("data").resolve(ds.name() + "-train");
        Path held = spec.out().resolve("data").resolve(ds.name() + "-heldout");
        if (Files.isRegularFile(held.resolve("manifest.json")) && Files.isRegularFile(train.resolve("manifest.json"))) {
            return new DatasetSplit.Result(TokenDataset.open(train), TokenDataset.open(held));
        }
        return DatasetSplit.split(ds, spec.evalFraction(), spec.seed(), train, held);
    }

    private static Blend blend(List<PretrainSpec.DataSource> sources, List<TokenDataset> datasets) {
        List<Blend.Component> cs = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            cs.add(new Blend.Component(datasets.get(i), sources.get(i).weight()));
        }
        return new Blend(cs);
    }

    private static TokenDataset check(TokenDataset ds, int modelVocab) {
        int v = ds.manifest().vocabSize();
        if (v > modelVocab) {
            throw new NemotronException(ds.dir() + ": tokenized with a vocabulary of " + v + " but the model's vocab_size is "
                    + modelVocab + "; token ids would fall outside the embedding table");
        }
        if (ds.manifest().tokens() == 0) {
            throw new NemotronException(ds.dir() + ": the dataset holds no tokens");
        }
        return ds;
    }
}
