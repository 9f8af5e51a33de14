package dev.nemotron.text.tokenizer.normalizer;

import java.text.Normalizer.Form;

/** Unicode normalization forms NFC, NFD, NFKC and NFKD ({@link java.text.Normalizer}). */
public enum UnicodeNormalizer implements Normalizer {
    NFC(Form.NFC), NFD(Form.NFD), NFKC(Form.NFKC), NFKD(Form.NFKD);

    private final Form form;

    UnicodeNormalizer(Form form) {
        this.form = form;
    }

    @Override
    public String normalize(String text) {
        return java.text.Normalizer.isNormalized(text, form) ? text : java.text.Normalizer.normalize(text, form);
    }
}
