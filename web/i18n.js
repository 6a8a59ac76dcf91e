// All texts of the web console, the registration page and the end-user page, German and English.
// German is the default. The choice is kept in localStorage.
//
// t(key, args) translates; "{name}" in a text is replaced by args.name. A key with "_one" /
// "_other" variants is chosen by args.count. An argument {$date: iso, time: bool} is formatted
// as a date in the current language. Elements built with h(..., {i18n: key}) carry data-i18n
// attributes and are re-translated in place when the language changes, so forms keep their input.

const TEXTS = {
  de: {
    'app.title': 'Dokumentenaustauschplattform',
    'app.subtitle': 'Kundenverwaltung',
    'shell.skip': 'Zum Inhalt springen',
    'shell.nav': 'Hauptmenü',
    'shell.signedInAs': 'Angemeldet als {name}',
    'shell.signOut': 'Abmelden',
    'shell.language': 'Sprache',
    'language.de': 'Deutsch',
    'language.en': 'Englisch',
    'nav.overview': 'Kundenübersicht',
    'nav.import': 'Import',
    'import.title': 'Kunden importieren',
    'import.intro': 'CSV-Datei mit einer Kopfzeile (Spalten wie bei „Kunden anlegen“, z. B. type;firstName;lastName;email), getrennt durch ; oder ,. Zuerst wird jede Zeile geprüft; importiert wird erst, wenn alle Zeilen gültig sind. Jeder Kunde erhält eine Einladung.',
    'import.file': 'CSV-Datei',
    'import.check': 'Prüfen',
    'import.start': 'Import starten',
    'import.checkedOk': 'Alle {rows} Zeilen sind gültig. Sie können den Import starten.',
    'import.checkedErrors': '{valid} von {rows} Zeilen sind gültig. Bitte korrigieren Sie die Datei und wählen Sie sie erneut.',
    'import.tooLarge': 'Die Datei ist größer als 2 MiB. Bitte teilen Sie sie auf.',
    'import.errorsCaption': 'Fehler',
    'import.row': 'Zeile',
    'import.field': 'Feld',
    'import.message': 'Meldung',
    'import.header': 'Kopfzeile',
    'import.downloadFailed': 'Fehlerhafte Zeilen als CSV herunterladen',
    'import.progressLabel': 'Fortschritt',
    'import.progress': '{percent} %: {created} angelegt, {failed} fehlgeschlagen von {rows}',
    'import.done': 'Fertig (100 %): {created} angelegt, {failed} fehlgeschlagen von {rows}',

    'common.loading': 'Wird geladen …',
    'common.save': 'Speichern',
    'common.cancel': 'Abbrechen',
    'common.close': 'Schließen',
    'common.delete': 'Löschen',
    'common.actions': 'Aktionen',
    'common.breadcrumb': 'Brotkrumennavigation',

    'form.requiredNote': 'Mit * markierte Felder sind Pflichtfelder.',

    'auth.title': 'Anmelden',
    'auth.localIntro': 'Lokale Entwicklungsumgebung: Wählen Sie den Fachanwender, als der Sie sich anmelden möchten.',
    'auth.chooseSpecialist': 'Fachanwender',
    'auth.signIn': 'Anmelden',
    'auth.oidcIntro': 'Melden Sie sich mit Ihrem Konto für die Dokumentenaustauschplattform an.',
    'auth.oidcButton': 'Weiter zur Anmeldung',
    'auth.oidcState': 'Die Anmeldung konnte nicht zugeordnet werden. Bitte melden Sie sich erneut an.',
    'auth.oidcFailed': 'Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut.',
    'auth.expired': 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
    'auth.signedOut': 'Sie wurden abgemeldet.',
    'auth.failed': 'Die Anmeldung ist fehlgeschlagen.',

    'overview.title': 'Kundenübersicht',
    'overview.add': 'Kunden anlegen',
    'overview.search': 'Suche',
    'overview.searchHint': 'Anfang des Namens, z. B. „Muster“',
    'overview.searchPlaceholder': 'Name …',
    'overview.typeAll': 'Alle',
    'overview.perPage': 'Pro Seite',
    'overview.caption': 'Kunden',
    'overview.empty': 'Keine Kunden gefunden.',
    'overview.prev': 'Vorherige Seite',
    'overview.next': 'Nächste Seite',
    'overview.page': 'Seite {page}',
    'overview.paging': 'Seiten',
    'overview.count_one': '1 Kunde angezeigt',
    'overview.count_other': '{count} Kunden angezeigt',

    'customerType.person': 'Person',
    'customerType.company': 'Unternehmen',
    'salutation.none': 'Keine Angabe',
    'salutation.ms': 'Frau',
    'salutation.mr': 'Herr',
    'salutation.mx': 'Divers',

    'customer.name': 'Name',
    'customer.type': 'Kundentyp',
    'customer.email': 'E-Mail',
    'customer.emailHint': 'An diese Adresse geht der Link zur Registrierung.',
    'customer.mobile': 'Mobilnummer',
    'customer.mobileHint': 'Optional. Wenn angegeben, erhält der Zugang zusätzlich einen Registrierungscode per SMS.',
    'customer.language': 'Korrespondenzsprache',
    'customer.languageHint': 'Sprache der E-Mails und SMS an die Endanwender.',
    'customer.createdAt': 'Angelegt am',
    'customer.salutation': 'Anrede',
    'customer.title': 'Titel',
    'customer.firstName': 'Vorname',
    'customer.lastName': 'Nachname',
    'customer.dateOfBirth': 'Geburtsdatum',
    'customer.companyName': 'Firmenname',
    'customer.legalForm': 'Rechtsform',
    'customer.legalFormHint': 'z. B. GmbH',
    'customer.registerNumber': 'Registernummer',
    'customer.registerNumberHint': 'z. B. HRB 12345',
    'customer.vatId': 'USt-IdNr.',
    'customer.vatIdHint': 'z. B. DE123456789',
    'customer.contactFirstName': 'Vorname Ansprechpartner',
    'customer.contactLastName': 'Nachname Ansprechpartner',
    'customer.personData': 'Persönliche Daten',
    'customer.companyData': 'Unternehmensdaten',
    'customer.contactData': 'Kontakt',
    'customer.address': 'Anschrift',
    'customer.addressHint': 'Optional. Wenn Sie eine Anschrift angeben, dann bitte vollständig.',
    'customer.meta': 'Angelegt am {created}, zuletzt geändert am {updated} (Version {version})',
    'customer.saved': 'Die Kundendaten wurden gespeichert.',
    'customer.conflict': 'Jemand anderes hat diesen Kunden inzwischen geändert. Ihre Änderungen wurden nicht gespeichert. Laden Sie die aktuellen Daten neu und tragen Sie Ihre Änderungen erneut ein.',
    'customer.reload': 'Aktuelle Daten laden',
    'customer.reloaded': 'Die aktuellen Kundendaten wurden geladen.',
    'customer.forbiddenEdit': 'Sie dürfen diesen Kunden sehen, aber nicht ändern. Das dürfen nur seine Administratoren.',
    'customer.forbiddenDelete': 'Sie dürfen diesen Kunden nicht löschen. Das dürfen nur seine Administratoren.',
    'customer.notFound': 'Diesen Kunden gibt es nicht, oder Sie haben keinen Zugriff auf ihn.',
    'customer.notFoundTitle': 'Kunde nicht gefunden',
    'customer.contextNav': 'Kundenkontext',
    'customer.dangerZone': 'Kunden löschen',
    'customer.deleteIntro': 'Löscht den Kunden mit allen Zugängen, Geschäftsvorfällen und Berechtigungen. Das kann nicht rückgängig gemacht werden.',
    'customer.delete': 'Kunden endgültig löschen',

    'address.street': 'Straße und Hausnummer',
    'address.postalCode': 'Postleitzahl',
    'address.city': 'Ort',
    'address.country': 'Land',
    'address.countryHint': 'Ländercode mit zwei Buchstaben, z. B. DE',

    'tab.data': 'Kundendaten',
    'tab.authorisations': 'Berechtigungen',
    'tab.transactions': 'Geschäftsvorfälle',
    'tab.history': 'Verlauf',
    'history.intro': 'Wer hat wann was geändert – neueste zuerst. Der Verlauf nennt geänderte Felder, nie ihre Werte.',
    'history.empty': 'Noch keine Einträge.',
    'history.more': 'Ältere Einträge laden',
    'history.at': 'Zeitpunkt',
    'history.actor': 'Wer',
    'history.action': 'Aktion',
    'history.subject': 'Betrifft',
    'history.fields': 'Geänderte Felder',
    'history.actor.endUser': 'Endanwender (Registrierung)',
    'history.actor.system': 'System (Zustellbericht)',
    'history.subject.customer': 'Kunde',
    'history.subject.access': 'Zugang',
    'history.subject.administrator': 'Administrator',
    'history.subject.additional-processor': 'Weiterer Bearbeiter',
    'history.subject.transaction': 'Geschäftsvorfall',
    'history.field.sms': 'SMS',
    'history.field.email': 'E-Mail',
    'history.action.customer.created': 'Kunde angelegt',
    'history.action.customer.updated': 'Kundendaten geändert',
    'history.action.access.created': 'Zugang angelegt',
    'history.action.access.updated': 'Zugang geändert',
    'history.action.access.invited': 'Einladung erneut gesendet',
    'history.action.access.activated': 'Registrierung abgeschlossen',
    'history.action.access.removed': 'Zugang entfernt',
    'history.action.access.delivery': 'Zustellstatus der Einladung',
    'history.action.administrator.added': 'Administrator hinzugefügt',
    'history.action.administrator.removed': 'Administrator entfernt',
    'history.action.additional-processor.added': 'Weiteren Bearbeiter zugeordnet',
    'history.action.additional-processor.removed': 'Weiteren Bearbeiter entfernt',
    'history.action.transaction.created': 'Geschäftsvorfall angelegt',
    'history.action.transaction.deleted': 'Geschäftsvorfall gelöscht',
    'history.forbidden': 'Verlauf und Export sehen nur die Administratoren dieses Kunden.',
    'history.exportTitle': 'Export',
    'history.exportIntro': 'Alles, was über diesen Kunden gespeichert ist, als eine JSON-Datei (Auskunft und Datenübertragbarkeit nach Art. 15 und 20 DSGVO). Geheimnisse wie Prüfsummen von Links und Codes sind nicht enthalten.',
    'history.export': 'Export (JSON)',
    'history.exported': 'Der Export wurde heruntergeladen.',

    'create.title': 'Kunden anlegen',
    'create.submit': 'Kunden anlegen',
    'create.done': 'Der Kunde „{name}“ wurde angelegt. Die Einladung zur Registrierung wurde an {email} gesendet.',

    'delete.title': 'Kunden „{name}“ endgültig löschen?',
    'delete.message': 'Folgendes wird endgültig gelöscht:',
    'delete.itemCustomer': 'die Kundendaten von „{name}“',
    'delete.itemAccesses_one': '1 Zugang, davon {active} aktiv (registrierte Endanwender verlieren den Zugang zu diesem Kunden)',
    'delete.itemAccesses_other': '{count} Zugänge, davon {active} aktiv (registrierte Endanwender verlieren den Zugang zu diesem Kunden)',
    'delete.itemAdministrators_one': '1 Administrator',
    'delete.itemAdministrators_other': '{count} Administratoren',
    'delete.itemProcessors_one': '1 weiterer Bearbeiter',
    'delete.itemProcessors_other': '{count} weitere Bearbeiter',
    'delete.itemTransactions_one': '1 Geschäftsvorfall',
    'delete.itemTransactions_other': '{count} Geschäftsvorfälle',
    'delete.itemsUnknown': 'alle Zugänge, Berechtigungen und Geschäftsvorfälle des Kunden (die Anzahl konnte nicht gelesen werden)',
    'delete.irreversible': 'Das kann nicht rückgängig gemacht werden.',
    'delete.confirm': 'Endgültig löschen',
    'delete.done': 'Der Kunde „{name}“ wurde endgültig gelöscht.',

    'auth.accesses': 'Zugänge',
    'auth.administrators': 'Administratoren',
    'auth.processors': 'Weitere Bearbeiter',
    'auth.createAccess': 'Neuen Zugang anlegen',
    'auth.determineAdministrator': 'Administrator bestimmen',
    'auth.determineProcessors': 'Weitere Bearbeiter bestimmen',
    'auth.remove_one': 'Berechtigung entfernen (1)',
    'auth.remove_other': 'Berechtigungen entfernen ({count})',
    'auth.selected_one': '1 Eintrag ausgewählt',
    'auth.selected_other': '{count} Einträge ausgewählt',
    'auth.selectAccess': 'Zugang {name} auswählen',
    'auth.selectAdministrator': 'Administrator {name} auswählen',
    'auth.selectProcessor': 'Weiteren Bearbeiter {name} auswählen',
    'auth.selectProcessorTransaction': '{name} für „{title}“ auswählen',
    'auth.transactionsOf': 'Geschäftsvorfälle von',
    'auth.noAccesses': 'Noch keine Zugänge.',
    'auth.noAdministrators': 'Keine Administratoren.',
    'auth.noProcessors': 'Keine weiteren Bearbeiter.',
    'auth.noTransactionsAssigned': 'Keine Geschäftsvorfälle zugeordnet.',
    'auth.forbidden': 'Das dürfen nur die Administratoren dieses Kunden.',

    'access.status': 'Aktivitätsstatus:',
    'access.statusInvited': 'Eingeladen am {date}, noch nicht registriert',
    'access.statusActive': 'Aktiv seit {date}',
    'access.deliveryFailed': 'Zustellproblem: Die Einladung konnte nicht zugestellt werden.',
    'access.deliveryBounced': 'E-Mail unzustellbar – Adresse prüfen. Eine neue Einladung geht erst an eine geänderte Adresse.',
    'access.deliveryComplained': 'E-Mail als Spam gemeldet – Adresse prüfen. Eine neue Einladung geht erst an eine geänderte Adresse.',
    'access.deliveryFailedEmail': 'Zustellproblem: Die E-Mail mit der Einladung konnte nicht zugestellt werden.',
    'access.deliveryFailedSms': 'Zustellproblem: Die SMS mit dem Registrierungscode konnte nicht zugestellt werden.',
    'access.resend': 'Einladung erneut senden',
    'access.resent': 'Eine neue Einladung wurde an {email} gesendet. Frühere Links und Codes gelten nicht mehr.',
    'access.resendActive': 'Dieser Zugang ist bereits aktiv; eine Einladung ist nicht mehr nötig.',
    'access.resendTooOften': 'Die Einladung wurde gerade erst gesendet. Bitte versuchen Sie es später noch einmal.',
    'access.createSubmit': 'Zugang anlegen',
    'access.created': 'Der Zugang für {name} wurde angelegt. Die Einladung wurde an {email} gesendet.',
    'access.emailTaken': 'Zu dieser E-Mail-Adresse gibt es bereits einen Zugang.',
    'access.emailHint': 'Die E-Mail-Adresse ist der Anmeldename des Endanwenders.',
    'access.mobileHint': 'Optional, für den Registrierungscode per SMS.',

    'admin.choose': 'Fachanwender',
    'admin.intro': 'Administratoren sehen und bearbeiten alle Geschäftsvorfälle dieses Kunden.',
    'admin.already': 'bereits Administrator',
    'admin.submit': 'Als Administrator bestimmen',
    'admin.chooseOne': 'Bitte wählen Sie mindestens einen Fachanwender aus.',
    'admin.done_one': 'Ein Administrator wurde bestimmt.',
    'admin.done_other': '{count} Administratoren wurden bestimmt.',

    'processors.intro': 'Weitere Bearbeiter sehen und bearbeiten nur die ausgewählten Geschäftsvorfälle.',
    'processors.chooseSpecialists': 'Fachanwender',
    'processors.chooseTransactions': 'Geschäftsvorfälle',
    'processors.noTransactions': 'Dieser Kunde hat noch keine Geschäftsvorfälle.',
    'processors.toTransactions': 'Geschäftsvorfall anlegen',
    'processors.submit': 'Als weitere Bearbeiter bestimmen',
    'processors.chooseBoth': 'Bitte wählen Sie mindestens einen Fachanwender und einen Geschäftsvorfall aus.',
    'processors.done': 'Die weiteren Bearbeiter wurden bestimmt.',

    'remove.title_one': 'Berechtigung entfernen?',
    'remove.title_other': '{count} Berechtigungen entfernen?',
    'remove.message_one': 'Diese Berechtigung wird entfernt:',
    'remove.message_other': 'Diese {count} Berechtigungen werden entfernt:',
    'remove.itemAccess': 'Zugang {name} ({email}) – kann sich danach nicht mehr anmelden oder registrieren',
    'remove.itemAdministrator': 'Administrator {name}',
    'remove.itemProcessor': 'Weiterer Bearbeiter {name} für „{title}“',
    'remove.itemProcessorAll': 'Weiterer Bearbeiter {name} (alle Geschäftsvorfälle)',
    'remove.confirm': 'Entfernen',
    'remove.done_one': 'Die Berechtigung wurde entfernt.',
    'remove.done_other': '{count} Berechtigungen wurden entfernt.',
    'remove.lastAdministrator': 'Ein Kunde braucht immer mindestens einen Administrator. Bestimmen Sie zuerst einen anderen Administrator. Es wurde nichts entfernt.',

    'transactions.new': 'Neuer Geschäftsvorfall',
    'transactions.titleField': 'Titel',
    'transactions.create': 'Geschäftsvorfall anlegen',
    'transactions.created': 'Der Geschäftsvorfall „{title}“ wurde angelegt.',
    'transactions.empty': 'Noch keine Geschäftsvorfälle.',
    'transactions.status': 'Status',
    'transactions.deleteLabel': 'Geschäftsvorfall „{title}“ löschen',
    'transactions.deleteTitle': 'Geschäftsvorfall „{title}“ löschen?',
    'transactions.deleteMessage': 'Der Geschäftsvorfall „{title}“ und alle Zuordnungen weiterer Bearbeiter dazu werden gelöscht.',
    'transactions.deleted': 'Der Geschäftsvorfall „{title}“ wurde gelöscht.',
    'transactions.forbidden': 'Geschäftsvorfälle anlegen und löschen dürfen nur die Administratoren dieses Kunden.',
    'transactionStatus.open': 'offen',

    'error.network': 'Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    'error.config': 'Die Konfiguration (config.json) konnte nicht geladen werden.',
    'error.400': 'Die Anfrage war fehlerhaft.',
    'error.401': 'Bitte melden Sie sich an.',
    'error.403': 'Dazu sind Sie nicht berechtigt.',
    'error.404': 'Nicht gefunden, oder Sie haben keinen Zugriff darauf.',
    'error.409': 'Die Änderung steht im Konflikt mit dem aktuellen Stand.',
    'error.410': 'Nicht mehr gültig.',
    'error.413': 'Die Eingaben sind zu umfangreich.',
    'error.422': 'Bitte prüfen Sie Ihre Eingaben.',
    'error.422fields_one': 'Bitte korrigieren Sie das markierte Feld.',
    'error.422fields_other': 'Bitte korrigieren Sie die {count} markierten Felder.',
    'error.429': 'Zu viele Versuche. Bitte warten Sie etwas.',
    'error.server': 'Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
    'error.unknown': 'Ein unerwarteter Fehler ist aufgetreten.',
    'fieldError.invalid': 'Ungültige Eingabe.',
    'fieldError.required': 'Bitte ausfüllen.',

    'register.title': 'Registrierung',
    'register.checking': 'Der Link wird geprüft …',
    'register.intro': 'Legen Sie ein Passwort für Ihren Zugang {email} fest.',
    'register.introSms': 'Geben Sie den Registrierungscode aus der SMS ein und legen Sie ein Passwort für Ihren Zugang {email} fest.',
    'register.validUntil': 'Der Link ist gültig bis {date}.',
    'register.smsCode': 'Registrierungscode aus der SMS',
    'register.smsCodeHint': 'Format: XXXX-XXXX (Groß-/Kleinschreibung egal)',
    'register.password': 'Passwort',
    'register.passwordHint': 'Mindestens 15 Zeichen, zum Beispiel mehrere Wörter. Nicht erlaubt sind häufig verwendete Passwörter, ein einziges wiederholtes Zeichen und Ihre E-Mail-Adresse oder der Teil vor dem @.',
    'register.passwordLiveShort': 'Noch {count} Zeichen.',
    'register.passwordLiveLong': 'Höchstens {max} Zeichen.',
    'register.passwordLiveRepeated': 'Bitte nicht nur ein Zeichen wiederholen.',
    'register.passwordLiveOk': 'Lang genug. Ob es zu häufig ist oder Ihre E-Mail-Adresse enthält, prüfen wir beim Absenden.',
    'register.passwordConfirm': 'Passwort wiederholen',
    'register.showPassword': 'Passwort anzeigen',
    'register.submit': 'Registrierung abschließen',
    'register.errorCodeRequired': 'Bitte geben Sie den Code aus der SMS ein.',
    'register.errorPasswordShort': 'Das Passwort muss mindestens 15 Zeichen lang sein.',
    'register.errorPasswordMismatch': 'Die Passwörter stimmen nicht überein.',
    'register.errorCodeWrong': 'Der Code ist nicht richtig. Bitte prüfen Sie die SMS und geben Sie den Code erneut ein.',
    'register.errorPasswordWeak': 'Dieses Passwort ist nicht erlaubt: Es wird zu häufig verwendet, enthält Ihre E-Mail-Adresse oder wiederholt nur ein Zeichen (erlaubt sind 15 bis 256 Zeichen). Bitte wählen Sie ein anderes.',
    'register.successTitle': 'Registrierung abgeschlossen',
    'register.success': 'Ihr Zugang ist aktiv. Sie können sich jetzt mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden.',
    'register.toSignIn': 'Zur Anmeldung',
    'register.noToken': 'Der Link ist unvollständig. Bitte öffnen Sie den Link aus der Einladungs-E-Mail vollständig oder kopieren Sie ihn komplett in die Adresszeile.',
    'register.unknown': 'Dieser Registrierungslink ist unbekannt. Bitte prüfen Sie, ob Sie den vollständigen Link aus der E-Mail verwendet haben.',
    'register.gone': 'Dieser Registrierungslink ist abgelaufen, wurde bereits verwendet oder wurde widerrufen. Bitten Sie Ihre Beraterin oder Ihren Berater, Ihnen eine neue Einladung zu senden. Wenn Sie sich bereits registriert haben, melden Sie sich einfach an.',
    'register.wait': 'Gerade kommen zu viele Anfragen an. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.',
    'register.locked': 'Es wurde zu oft ein falscher Code eingegeben. Der Zugang ist gesperrt. Bitten Sie Ihre Beraterin oder Ihren Berater, Ihnen die Einladung erneut zu senden.',
    'register.invalid': 'Bitte prüfen Sie Ihre Eingaben.',
    'register.customer': 'Zugang für {customer}',
    'register.introExisting': 'Sie haben bereits ein Konto. Melden Sie sich mit Ihrem bestehenden Passwort an, um den Zugang anzunehmen.',
    'register.introExistingSms': 'Geben Sie dazu auch den Registrierungscode aus der SMS ein.',
    'register.existingPassword': 'Ihr bestehendes Passwort',
    'register.existingPasswordHint': 'Das Passwort, mit dem Sie sich bereits anmelden ({email}). Es bleibt unverändert.',
    'register.submitExisting': 'Zugang annehmen',
    'register.errorPasswordRequired': 'Bitte geben Sie Ihr bestehendes Passwort ein.',
    'register.errorPasswordWrong': 'Das Passwort ist nicht richtig. Bitte geben Sie das Passwort ein, mit dem Sie sich bereits anmelden.',
    'register.lockedExisting': 'Es wurde zu oft ein falsches Passwort oder ein falscher Code eingegeben. Die Einladung ist gesperrt. Bitten Sie Ihre Beraterin oder Ihren Berater, Ihnen die Einladung erneut zu senden.',
    'register.addedTitle': 'Zugang hinzugefügt',
    'register.added': 'Der Zugang für {customer} wurde Ihrem Konto hinzugefügt. Melden Sie sich wie gewohnt mit Ihrer E-Mail-Adresse und Ihrem Passwort an.',

    'me.title': 'Mein Zugang',
    'me.signInTitle': 'Anmelden',
    'me.signInIntro': 'Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.',
    'me.email': 'E-Mail',
    'me.password': 'Passwort',
    'me.signIn': 'Anmelden',
    'me.signOut': 'Abmelden',
    'me.wrongCredentials': 'E-Mail-Adresse oder Passwort ist falsch.',
    'me.onlyLocal': 'Diese Seite ist nur in der lokalen Entwicklungsumgebung verfügbar.',
    'me.customer': 'Kunde',
    'me.access': 'Zugang',
    'me.transactions': 'Meine Geschäftsvorfälle',
    'me.noTransactions': 'Noch keine Geschäftsvorfälle.',
    'me.forbidden': 'Diese Seite ist für Endanwender. Bitte melden Sie sich mit dem Zugang eines Endanwenders an.',
    'me.switcherLabel': 'Mandant',
    'me.switcherHint': 'Sie haben Zugänge bei {count} Mandanten. Wählen Sie, wessen Daten Sie sehen möchten.',
    'me.customerGone': 'Ihr Zugang bei diesem Mandanten besteht nicht mehr. Die Anzeige wurde aktualisiert.',
    'me.noActiveAccess': 'Noch kein aktiver Zugang – bitte schließen Sie die Registrierung über den Link in Ihrer Einladung ab.',
  },

  en: {
    'app.title': 'Document exchange platform',
    'app.subtitle': 'Customer management',
    'shell.skip': 'Skip to content',
    'shell.nav': 'Main menu',
    'shell.signedInAs': 'Signed in as {name}',
    'shell.signOut': 'Sign out',
    'shell.language': 'Language',
    'language.de': 'German',
    'language.en': 'English',
    'nav.overview': 'Customer overview',
    'nav.import': 'Import',
    'import.title': 'Import customers',
    'import.intro': 'A CSV file with a header row (columns as in “Add customer”, e.g. type;firstName;lastName;email), separated by ; or ,. Every row is checked first; the import starts only once all rows are valid. Each customer is invited.',
    'import.file': 'CSV file',
    'import.check': 'Check',
    'import.start': 'Start import',
    'import.checkedOk': 'All {rows} rows are valid. You can start the import.',
    'import.checkedErrors': '{valid} of {rows} rows are valid. Please correct the file and choose it again.',
    'import.tooLarge': 'The file is larger than 2 MiB. Please split it.',
    'import.errorsCaption': 'Errors',
    'import.row': 'Row',
    'import.field': 'Field',
    'import.message': 'Message',
    'import.header': 'Header',
    'import.downloadFailed': 'Download the failed rows as CSV',
    'import.progressLabel': 'Progress',
    'import.progress': '{percent} %: {created} created, {failed} failed of {rows}',
    'import.done': 'Done (100 %): {created} created, {failed} failed of {rows}',

    'common.loading': 'Loading …',
    'common.save': 'Save',
    'common.cancel': 'Cancel',
    'common.close': 'Close',
    'common.delete': 'Delete',
    'common.actions': 'Actions',
    'common.breadcrumb': 'Breadcrumb',

    'form.requiredNote': 'Fields marked * are mandatory.',

    'auth.title': 'Sign in',
    'auth.localIntro': 'Local development environment: choose the specialist user to sign in as.',
    'auth.chooseSpecialist': 'Specialist user',
    'auth.signIn': 'Sign in',
    'auth.oidcIntro': 'Sign in with your account for the document exchange platform.',
    'auth.oidcButton': 'Continue to sign-in',
    'auth.oidcState': 'The sign-in could not be matched to this page. Please sign in again.',
    'auth.oidcFailed': 'Signing in failed. Please try again.',
    'auth.expired': 'Your session has expired. Please sign in again.',
    'auth.signedOut': 'You have been signed out.',
    'auth.failed': 'Signing in failed.',

    'overview.title': 'Customer overview',
    'overview.add': 'Add customer',
    'overview.search': 'Search',
    'overview.searchHint': 'Start of the name, e.g. "Muster"',
    'overview.searchPlaceholder': 'Name …',
    'overview.typeAll': 'All',
    'overview.perPage': 'Per page',
    'overview.caption': 'Customers',
    'overview.empty': 'No customers found.',
    'overview.prev': 'Previous page',
    'overview.next': 'Next page',
    'overview.page': 'Page {page}',
    'overview.paging': 'Pages',
    'overview.count_one': '1 customer shown',
    'overview.count_other': '{count} customers shown',

    'customerType.person': 'Person',
    'customerType.company': 'Company',
    'salutation.none': 'Not specified',
    'salutation.ms': 'Ms',
    'salutation.mr': 'Mr',
    'salutation.mx': 'Mx',

    'customer.name': 'Name',
    'customer.type': 'Customer type',
    'customer.email': 'E-mail',
    'customer.emailHint': 'The registration link is sent to this address.',
    'customer.mobile': 'Mobile number',
    'customer.mobileHint': 'Optional. If given, the access also receives a registration code by SMS.',
    'customer.language': 'Correspondence language',
    'customer.languageHint': 'Language of the e-mails and text messages to the end users.',
    'customer.createdAt': 'Created',
    'customer.salutation': 'Salutation',
    'customer.title': 'Title',
    'customer.firstName': 'First name',
    'customer.lastName': 'Last name',
    'customer.dateOfBirth': 'Date of birth',
    'customer.companyName': 'Company name',
    'customer.legalForm': 'Legal form',
    'customer.legalFormHint': 'e.g. GmbH',
    'customer.registerNumber': 'Register number',
    'customer.registerNumberHint': 'e.g. HRB 12345',
    'customer.vatId': 'VAT ID',
    'customer.vatIdHint': 'e.g. DE123456789',
    'customer.contactFirstName': 'Contact first name',
    'customer.contactLastName': 'Contact last name',
    'customer.personData': 'Personal details',
    'customer.companyData': 'Company details',
    'customer.contactData': 'Contact',
    'customer.address': 'Address',
    'customer.addressHint': 'Optional. If you give an address, please give all of it.',
    'customer.meta': 'Created {created}, last changed {updated} (version {version})',
    'customer.saved': 'The customer data has been saved.',
    'customer.conflict': 'Someone else has changed this customer in the meantime. Your changes were not saved. Reload the current data and enter your changes again.',
    'customer.reload': 'Load current data',
    'customer.reloaded': 'The current customer data has been loaded.',
    'customer.forbiddenEdit': 'You may view this customer but not change it. Only its administrators may.',
    'customer.forbiddenDelete': 'You may not delete this customer. Only its administrators may.',
    'customer.notFound': 'This customer does not exist, or you have no access to it.',
    'customer.notFoundTitle': 'Customer not found',
    'customer.contextNav': 'Customer context',
    'customer.dangerZone': 'Delete customer',
    'customer.deleteIntro': 'Deletes the customer with all accesses, business transactions and authorisations. This cannot be undone.',
    'customer.delete': 'Delete customer permanently',

    'address.street': 'Street and number',
    'address.postalCode': 'Postal code',
    'address.city': 'City',
    'address.country': 'Country',
    'address.countryHint': 'Two-letter country code, e.g. DE',

    'tab.data': 'Client data',
    'tab.authorisations': 'Authorisations',
    'tab.transactions': 'Business transactions',
    'tab.history': 'History',
    'history.intro': 'Who changed what and when – newest first. The history names changed fields, never their values.',
    'history.empty': 'No entries yet.',
    'history.more': 'Load older entries',
    'history.at': 'When',
    'history.actor': 'Who',
    'history.action': 'Action',
    'history.subject': 'Concerns',
    'history.fields': 'Changed fields',
    'history.actor.endUser': 'End user (registration)',
    'history.actor.system': 'System (delivery report)',
    'history.subject.customer': 'Client',
    'history.subject.access': 'Access',
    'history.subject.administrator': 'Administrator',
    'history.subject.additional-processor': 'Additional processor',
    'history.subject.transaction': 'Business transaction',
    'history.field.sms': 'SMS',
    'history.field.email': 'E-mail',
    'history.action.customer.created': 'Client created',
    'history.action.customer.updated': 'Client data changed',
    'history.action.access.created': 'Access created',
    'history.action.access.updated': 'Access changed',
    'history.action.access.invited': 'Invitation sent again',
    'history.action.access.activated': 'Registration completed',
    'history.action.access.removed': 'Access removed',
    'history.action.access.delivery': 'Delivery status of the invitation',
    'history.action.administrator.added': 'Administrator added',
    'history.action.administrator.removed': 'Administrator removed',
    'history.action.additional-processor.added': 'Additional processor assigned',
    'history.action.additional-processor.removed': 'Additional processor removed',
    'history.action.transaction.created': 'Business transaction created',
    'history.action.transaction.deleted': 'Business transaction deleted',
    'history.forbidden': 'Only the administrators of this client see its history and export.',
    'history.exportTitle': 'Export',
    'history.exportIntro': 'Everything stored about this client as one JSON file (access and data portability under Art. 15 and 20 GDPR). Secrets such as hashes of links and codes are left out.',
    'history.export': 'Export (JSON)',
    'history.exported': 'The export was downloaded.',

    'create.title': 'Add customer',
    'create.submit': 'Add customer',
    'create.done': 'The customer "{name}" has been added. The invitation to register was sent to {email}.',

    'delete.title': 'Delete customer "{name}" permanently?',
    'delete.message': 'The following will be deleted for good:',
    'delete.itemCustomer': 'the customer data of "{name}"',
    'delete.itemAccesses_one': '1 access, {active} active (registered end users lose access to this customer)',
    'delete.itemAccesses_other': '{count} accesses, {active} active (registered end users lose access to this customer)',
    'delete.itemAdministrators_one': '1 administrator',
    'delete.itemAdministrators_other': '{count} administrators',
    'delete.itemProcessors_one': '1 additional processor',
    'delete.itemProcessors_other': '{count} additional processors',
    'delete.itemTransactions_one': '1 business transaction',
    'delete.itemTransactions_other': '{count} business transactions',
    'delete.itemsUnknown': 'all accesses, authorisations and business transactions of the customer (their number could not be read)',
    'delete.irreversible': 'This cannot be undone.',
    'delete.confirm': 'Delete permanently',
    'delete.done': 'The customer "{name}" has been deleted permanently.',

    'auth.accesses': 'Accesses',
    'auth.administrators': 'Administrators',
    'auth.processors': 'Additional processors',
    'auth.createAccess': 'Create new access',
    'auth.determineAdministrator': 'Determine administrator',
    'auth.determineProcessors': 'Determine additional processors',
    'auth.remove_one': 'Remove authorisation (1)',
    'auth.remove_other': 'Remove authorisations ({count})',
    'auth.selected_one': '1 item selected',
    'auth.selected_other': '{count} items selected',
    'auth.selectAccess': 'Select access {name}',
    'auth.selectAdministrator': 'Select administrator {name}',
    'auth.selectProcessor': 'Select additional processor {name}',
    'auth.selectProcessorTransaction': 'Select {name} for "{title}"',
    'auth.transactionsOf': 'Business transactions of',
    'auth.noAccesses': 'No accesses yet.',
    'auth.noAdministrators': 'No administrators.',
    'auth.noProcessors': 'No additional processors.',
    'auth.noTransactionsAssigned': 'No business transactions assigned.',
    'auth.forbidden': 'Only the administrators of this customer may do this.',

    'access.status': 'Activity status:',
    'access.statusInvited': 'Invited on {date}, not registered yet',
    'access.statusActive': 'Active since {date}',
    'access.deliveryFailed': 'Delivery problem: the invitation could not be delivered.',
    'access.deliveryBounced': 'E-mail undeliverable – check the address. A new invitation goes only to a changed address.',
    'access.deliveryComplained': 'E-mail reported as spam – check the address. A new invitation goes only to a changed address.',
    'access.deliveryFailedEmail': 'Delivery problem: the invitation e-mail could not be delivered.',
    'access.deliveryFailedSms': 'Delivery problem: the text message with the registration code could not be delivered.',
    'access.resend': 'Resend invitation',
    'access.resent': 'A new invitation has been sent to {email}. Earlier links and codes no longer work.',
    'access.resendActive': 'This access is already active; no invitation is needed.',
    'access.resendTooOften': 'The invitation was sent only a moment ago. Please try again later.',
    'access.createSubmit': 'Create access',
    'access.created': 'The access for {name} has been created. The invitation was sent to {email}.',
    'access.emailTaken': 'There already is an access for this e-mail address.',
    'access.emailHint': 'The e-mail address is the end user\'s sign-in name.',
    'access.mobileHint': 'Optional, for the registration code by text message.',

    'admin.choose': 'Specialist users',
    'admin.intro': 'Administrators see and process all business transactions of this customer.',
    'admin.already': 'already administrator',
    'admin.submit': 'Make administrator',
    'admin.chooseOne': 'Please select at least one specialist user.',
    'admin.done_one': 'One administrator has been determined.',
    'admin.done_other': '{count} administrators have been determined.',

    'processors.intro': 'Additional processors see and process only the selected business transactions.',
    'processors.chooseSpecialists': 'Specialist users',
    'processors.chooseTransactions': 'Business transactions',
    'processors.noTransactions': 'This customer has no business transactions yet.',
    'processors.toTransactions': 'Create a business transaction',
    'processors.submit': 'Make additional processors',
    'processors.chooseBoth': 'Please select at least one specialist user and one business transaction.',
    'processors.done': 'The additional processors have been determined.',

    'remove.title_one': 'Remove authorisation?',
    'remove.title_other': 'Remove {count} authorisations?',
    'remove.message_one': 'This authorisation will be removed:',
    'remove.message_other': 'These {count} authorisations will be removed:',
    'remove.itemAccess': 'Access {name} ({email}) – can no longer sign in or register',
    'remove.itemAdministrator': 'Administrator {name}',
    'remove.itemProcessor': 'Additional processor {name} for "{title}"',
    'remove.itemProcessorAll': 'Additional processor {name} (all business transactions)',
    'remove.confirm': 'Remove',
    'remove.done_one': 'The authorisation has been removed.',
    'remove.done_other': '{count} authorisations have been removed.',
    'remove.lastAdministrator': 'A customer must always keep at least one administrator. Determine another administrator first. Nothing was removed.',

    'transactions.new': 'New business transaction',
    'transactions.titleField': 'Title',
    'transactions.create': 'Create business transaction',
    'transactions.created': 'The business transaction "{title}" has been created.',
    'transactions.empty': 'No business transactions yet.',
    'transactions.status': 'Status',
    'transactions.deleteLabel': 'Delete business transaction "{title}"',
    'transactions.deleteTitle': 'Delete business transaction "{title}"?',
    'transactions.deleteMessage': 'The business transaction "{title}" and all assignments of additional processors to it will be deleted.',
    'transactions.deleted': 'The business transaction "{title}" has been deleted.',
    'transactions.forbidden': 'Only the administrators of this customer may create and delete business transactions.',
    'transactionStatus.open': 'open',

    'error.network': 'The server cannot be reached. Please check your connection and try again.',
    'error.config': 'The configuration (config.json) could not be loaded.',
    'error.400': 'The request was malformed.',
    'error.401': 'Please sign in.',
    'error.403': 'You are not allowed to do this.',
    'error.404': 'Not found, or you have no access to it.',
    'error.409': 'The change conflicts with the current state.',
    'error.410': 'No longer valid.',
    'error.413': 'The input is too large.',
    'error.422': 'Please check your input.',
    'error.422fields_one': 'Please correct the marked field.',
    'error.422fields_other': 'Please correct the {count} marked fields.',
    'error.429': 'Too many attempts. Please wait a little.',
    'error.server': 'An error occurred on the server. Please try again later.',
    'error.unknown': 'An unexpected error occurred.',
    'fieldError.invalid': 'Invalid input.',
    'fieldError.required': 'Please fill in.',

    'register.title': 'Registration',
    'register.checking': 'Checking the link …',
    'register.intro': 'Choose a password for your access {email}.',
    'register.introSms': 'Enter the registration code from the text message and choose a password for your access {email}.',
    'register.validUntil': 'The link is valid until {date}.',
    'register.smsCode': 'Registration code from the text message',
    'register.smsCodeHint': 'Format: XXXX-XXXX (upper or lower case)',
    'register.password': 'Password',
    'register.passwordHint': 'At least 15 characters, for example several words. Not allowed: commonly used passwords, a single repeated character, and your e-mail address or the part before the @.',
    'register.passwordLiveShort': '{count} more characters.',
    'register.passwordLiveLong': 'At most {max} characters.',
    'register.passwordLiveRepeated': 'Please do not repeat a single character.',
    'register.passwordLiveOk': 'Long enough. Whether it is too common or contains your e-mail address is checked when you submit.',
    'register.passwordConfirm': 'Repeat password',
    'register.showPassword': 'Show password',
    'register.submit': 'Complete registration',
    'register.errorCodeRequired': 'Please enter the code from the text message.',
    'register.errorPasswordShort': 'The password must be at least 15 characters long.',
    'register.errorPasswordMismatch': 'The passwords do not match.',
    'register.errorCodeWrong': 'The code is not correct. Please check the text message and enter the code again.',
    'register.errorPasswordWeak': 'This password is not allowed: it is too commonly used, contains your e-mail address, or repeats a single character (15 to 256 characters are allowed). Please choose another.',
    'register.successTitle': 'Registration complete',
    'register.success': 'Your access is active. You can now sign in with your e-mail address and your password.',
    'register.toSignIn': 'Go to sign-in',
    'register.noToken': 'The link is incomplete. Please open the link from the invitation e-mail in full, or copy all of it into the address bar.',
    'register.unknown': 'This registration link is unknown. Please check that you used the complete link from the e-mail.',
    'register.gone': 'This registration link has expired, has already been used, or has been revoked. Ask your adviser to send you a new invitation. If you have already registered, simply sign in.',
    'register.wait': 'Too many requests are arriving right now. Please wait a minute and try again.',
    'register.locked': 'A wrong code was entered too often. The access is locked. Ask your adviser to resend the invitation.',
    'register.invalid': 'Please check your input.',
    'register.customer': 'Access for {customer}',
    'register.introExisting': 'You already have an account. Sign in with your existing password to accept the access.',
    'register.introExistingSms': 'Also enter the registration code from the text message.',
    'register.existingPassword': 'Your current password',
    'register.existingPasswordHint': 'The password you already sign in with ({email}). It stays unchanged.',
    'register.submitExisting': 'Accept access',
    'register.errorPasswordRequired': 'Please enter your current password.',
    'register.errorPasswordWrong': 'The password is not correct. Please enter the password you already sign in with.',
    'register.lockedExisting': 'A wrong password or code was entered too often. The invitation is locked. Ask your adviser to resend the invitation.',
    'register.addedTitle': 'Access added',
    'register.added': 'The access for {customer} has been added to your account. Sign in as usual with your e-mail address and your password.',

    'me.title': 'My access',
    'me.signInTitle': 'Sign in',
    'me.signInIntro': 'Sign in with your e-mail address and your password.',
    'me.email': 'E-mail',
    'me.password': 'Password',
    'me.signIn': 'Sign in',
    'me.signOut': 'Sign out',
    'me.wrongCredentials': 'The e-mail address or the password is wrong.',
    'me.onlyLocal': 'This page is only available in the local development environment.',
    'me.customer': 'Customer',
    'me.access': 'Access',
    'me.transactions': 'My business transactions',
    'me.noTransactions': 'No business transactions yet.',
    'me.forbidden': 'This page is for end users. Please sign in with an end user\'s access.',
    'me.switcherLabel': 'Client',
    'me.switcherHint': 'You have access at {count} clients. Choose whose data you want to see.',
    'me.customerGone': 'Your access at this client no longer exists. The page has been updated.',
    'me.noActiveAccess': 'No active access yet – please complete your registration using the link in your invitation.',
  },
};

export const LANGUAGES = ['de', 'en'];
let lang = 'de';
let storageKey = 'dap.lang';
const listeners = new Set();

/** Reads the stored choice (or the given default) and applies it to <html lang> and the page. */
export function initI18n({ storageKey: key = 'dap.lang', defaultLang = 'de' } = {}) {
  storageKey = key;
  let stored = null;
  try { stored = localStorage.getItem(storageKey); } catch { stored = null; }
  lang = LANGUAGES.includes(stored) ? stored : defaultLang;
  document.documentElement.lang = lang;
  translate(document);
  return lang;
}

/** True when the user has chosen a language on this kind of page. */
export function hasStoredLang() {
  try { return LANGUAGES.includes(localStorage.getItem(storageKey)); } catch { return false; }
}

export function getLang() {
  return lang;
}

/** Switches the language; persist=false applies it without remembering it (e.g. from a server hint). */
export function setLang(next, { persist = true } = {}) {
  if (!LANGUAGES.includes(next)) return;
  if (persist) {
    try { localStorage.setItem(storageKey, next); } catch { /* private mode */ }
  }
  if (next === lang) return;
  lang = next;
  document.documentElement.lang = lang;
  translate(document);
  for (const fn of [...listeners]) fn(lang);
  for (const sel of document.querySelectorAll('select[data-lang-select]')) sel.value = lang;
}

/** Registers a listener for language changes; returns a function that removes it. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key, args = {}) {
  const table = TEXTS[lang] || TEXTS.de;
  let text;
  if (args && typeof args.count === 'number') {
    const variant = args.count === 1 ? `${key}_one` : `${key}_other`;
    text = table[variant] ?? TEXTS.de[variant];
  }
  if (text === undefined) text = table[key] ?? TEXTS.de[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (args && name in args ? formatArg(args[name]) : m));
}

function formatArg(v) {
  if (v && typeof v === 'object' && '$date' in v) {
    if (!v.$date) return '';
    const d = new Date(v.$date);
    if (Number.isNaN(d.getTime())) return String(v.$date);
    const opts = v.time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', opts).format(d);
  }
  return v === null || v === undefined ? '' : String(v);
}

/** Translates elements with data-i18n / data-i18n-attr inside root (and root itself if self). */
export function translate(root = document, self = false) {
  const els = [];
  if (self && root.nodeType === 1) els.push(root);
  if (root.querySelectorAll) els.push(...root.querySelectorAll('[data-i18n], [data-i18n-attr]'));
  for (const el of els) {
    let args = {};
    if (el.dataset.i18nArgs) {
      try { args = JSON.parse(el.dataset.i18nArgs); } catch { args = {}; }
    }
    if (el.dataset.i18n) el.textContent = t(el.dataset.i18n, args);
    if (el.dataset.i18nAttr) {
      let attrs = {};
      try { attrs = JSON.parse(el.dataset.i18nAttr); } catch { attrs = {}; }
      for (const [attr, key] of Object.entries(attrs)) el.setAttribute(attr, t(key, args));
    }
  }
}

/** A labelled language switch (a <select>); changing it switches and remembers the language. */
export function languageSelect(id) {
  const select = document.createElement('select');
  select.id = id;
  select.dataset.langSelect = '';
  for (const l of LANGUAGES) {
    const o = document.createElement('option');
    o.value = l;
    o.textContent = l === 'de' ? 'Deutsch' : 'English';
    o.lang = l;
    select.appendChild(o);
  }
  select.value = lang;
  select.addEventListener('change', () => setLang(select.value));
  const label = document.createElement('label');
  label.htmlFor = id;
  label.className = 'lang-label';
  label.dataset.i18n = 'shell.language';
  label.textContent = t('shell.language');
  const wrap = document.createElement('span');
  wrap.className = 'lang-switch';
  wrap.append(label, select);
  return wrap;
}
