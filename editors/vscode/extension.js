// Starts the alignment-plan language server (`alignment-plan lsp`, over stdio) for .plan files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("alignmentPlan").get("server.command");
  client = new LanguageClient(
    "alignment-plan",
    "alignment-plan",
    { command, args },
    { documentSelector: [{ scheme: "file", language: "plan" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
