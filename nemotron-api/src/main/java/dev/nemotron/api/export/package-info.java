/** Export formats as plugins: {@link dev.nemotron.api.export.ExporterProvider} and the values it exchanges. */
package dev.nemotron.api.export;
