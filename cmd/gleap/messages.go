package main

// messagesNoun is gleap messages: the messages of tickets, client.Messages of the Go client.
var messagesNoun = noun{
	name: "messages",
	summary: "The messages of tickets: post them, list, change and delete them, search them, and answer\n" +
		"Gleap's FAQ suggestions. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT.",
	verbs: []verb{
		{name: "send", summary: "post a message into a ticket, or many from JSON Lines (--batch)",
			synopsis: sendSynopsis, help: sendHelp, shortcut: true, run: send},
		{name: "list", summary: "print the messages of a ticket, or of the project, as JSON Lines",
			synopsis: listSynopsis, help: listHelp, shortcut: true, run: list},
		{name: "update", summary: "change the fields of a message",
			synopsis: updateSynopsis, help: updateHelp, shortcut: true, run: update},
		{name: "delete", summary: "delete a message",
			synopsis: deleteSynopsis, help: deleteHelp, shortcut: true, run: remove},
		{name: "search", summary: "print the messages whose text holds TERM, as JSON",
			synopsis: searchSynopsis, help: searchHelp, run: search},
		{name: "faq", summary: "accept a message as the source of a suggested FAQ entry, or decline it",
			synopsis: faqSynopsis, help: faqHelp, run: suggestFAQ},
	},
}
