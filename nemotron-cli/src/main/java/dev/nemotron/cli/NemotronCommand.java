package dev.nemotron.cli;

import dev.nemotron.cli.command.BackendsCommand;
import dev.nemotron.cli.command.BenchCommand;
import dev.nemotron.cli.command.ChartCommand;
import dev.nemotron.cli.command.ChatCommand;
import dev.nemotron.cli.command.CompressCommand;
import dev.nemotron.cli.command.CptCommand;
import dev.nemotron.cli.command.SftCommand;
import dev.nemotron.cli.command.GrpoCommand;
import dev.nemotron.cli.command.DataCommand;
import dev.nemotron.cli.command.DistillCommand;
import dev.nemotron.cli.command.EvalCommand;
import dev.nemotron.cli.command.ExportCommand;
import dev.nemotron.cli.command.GenerateCommand;
import dev.nemotron.cli.command.GradcheckCommand;
import dev.nemotron.cli.command.ForwardCommand;
import dev.nemotron.cli.command.InitCommand;
import dev.nemotron.cli.command.InspectCommand;
import dev.nemotron.cli.command.MissingSubcommand;
import dev.nemotron.cli.command.PretrainCommand;
import dev.nemotron.cli.command.PipelineCommand;
import dev.nemotron.cli.command.MergeCommand;
import dev.nemotron.cli.command.QuantizeCommand;
import dev.nemotron.cli.command.ServeCommand;
import dev.nemotron.cli.command.TokenizeCommand;
import dev.nemotron.cli.command.DpoCommand;
import dev.nemotron.cli.command.AlignCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code nemotron} command; every action is a subcommand. */
@Command(name = "nemotron", mixinStandardHelpOptions = true, version = "nemotron 0.1.0-SNAPSHOT",
        description = "Nemotron SDK for Java: hybrid Mamba-2/Transformer models (Nemotron-H, Nemotron Nano 2).",
        subcommands = {InspectCommand.class, ForwardCommand.class, InitCommand.class, TokenizeCommand.class,
            GenerateCommand.class, ChatCommand.class, ServeCommand.class, BenchCommand.class, BackendsCommand.class,
            DataCommand.class, PretrainCommand.class, CptCommand.class, GradcheckCommand.class, ChartCommand.class,
            PipelineCommand.class, EvalCommand.class,
            ExportCommand.class,
            CompressCommand.class,
            SftCommand.class,
            MergeCommand.class,
            DistillCommand.class,
            DpoCommand.class,
            AlignCommand.class,
            GrpoCommand.class,
            QuantizeCommand.class
        })
public final class NemotronCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw MissingSubcommand.of(spec);
    }
}
