using System.CommandLine;
using System.Reflection;
using Workbook.Cli;

var modules = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(ICliModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (ICliModule)Activator.CreateInstance(t)!)
    .ToList();

var root = new RootCommand("Workbook: product classification and ranking, search-log cleaning and enrichment, AutoML.");
foreach (var module in modules)
    foreach (var command in module.Commands())
        root.Subcommands.Add(command);

var bench = new Command("bench", "Benchmarks that run the workbook side by side with its peers (use -c Release).");
foreach (var module in modules)
    foreach (var command in module.Benchmarks())
        bench.Subcommands.Add(command);
var record = BenchRecording.Option();
bench.Options.Add(record);
if (bench.Subcommands.Count > 0)
    root.Subcommands.Add(bench);

var parsed = root.Parse(args);
// System.CommandLine's own handler prints the stack trace; every verb's errors go through CliErrors instead.
var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
try { return await BenchRecording.InvokeAsync(parsed, invocation, record, bench, args); }
catch (Exception e) { return CliErrors.Report(Verb(parsed.CommandResult.Command), e); }

static string Verb(Command c) => c.Parents.OfType<Command>().FirstOrDefault() is { } p and not RootCommand ? $"{Verb(p)} {c.Name}" : c.Name;
