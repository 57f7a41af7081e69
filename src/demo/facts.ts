/**
 * On-screen facts for the demos (chiefly `doormat demo leak`).
 *
 * Project rule: a demo may put on screen ONLY facts marked as sourced ([src])
 * in /work/shared/research/backdoors.md and /work/shared/research/e2ee.md.
 * Every entry below is listed, with its full citation and the research-file
 * section it comes from, in docs/SOURCES.md. Facts still flagged [mem] /
 * UNVERIFIED in the research notes are deliberately absent; do not add them
 * here without updating docs/SOURCES.md and the research notes first.
 *
 * Texts are single sentences (no hard line breaks), at most 150 characters,
 * plain ASCII, so the UI can word-wrap them to an 80-column terminal.
 * Anything inside double quotes is verbatim wording the research file quotes.
 */

export interface Fact {
  readonly id: string;
  readonly text: string;
  readonly source: string;
}

export const FACTS = {
  letter2019: {
    id: "letter2019",
    text:
      '4 Oct 2019: Barr, McAleenan (US), Patel (UK), Dutton (AU) to Zuckerberg: no E2EE rollout "without including a means for lawful access to the content".',
    source:
      'Open letter to Mark Zuckerberg from the US Attorney General, acting DHS Secretary, UK Home Secretary and Australian Minister for Home Affairs, 4 Oct 2019 (gov.uk), https://www.gov.uk/government/publications/open-letter-to-mark-zuckerberg',
  },
  doormats2015: {
    id: "doormats2015",
    text:
      'Keys Under Doormats (MIT, 6 July 2015), by 15 security experts: "Mandating insecurity by requiring government access to all data and communications".',
    source:
      'H. Abelson, R. Anderson, S. Bellovin et al. (15 authors), "Keys Under Doormats: Mandating insecurity by requiring government access to all data and communications", MIT-CSAIL-TR-2015-026, 6 July 2015, https://dspace.mit.edu/handle/1721.1/97690',
  },
  doormatsTarget: {
    id: "doormatsTarget",
    text:
      "Keys Under Doormats: exceptional access forces designers to reverse forward secrecy, and turns escrow databases into the highest-value target.",
    source:
      'Abelson et al., "Keys Under Doormats", MIT-CSAIL-TR-2015-026, 6 July 2015 (abstract), https://dspace.mit.edu/handle/1721.1/97690; New America, "Six (More) Technical Reasons Why Undermining Encryption is a Bad Idea", https://www.newamerica.org/cybersecurity-initiative/blog/six-more-technical-reasons-why-undermining-encryption-is-a-bad-idea/',
  },
  saltTyphoon: {
    id: "saltTyphoon",
    text:
      "Oct 2024: China-linked Salt Typhoon was reported inside AT&T, Verizon and Lumen, including systems used for court-authorised wiretaps.",
    source:
      'Wall Street Journal, "U.S. Wiretap Systems Targeted in China-Linked Hack" (Oct 2024), as reported by Nextgov, 7-11 Oct 2024, https://nextgov.com/cybersecurity/2024/10/its-time-rethink-how-wiretaps-work-after-chinese-hack-experts-say/400220',
  },
  cisaE2ee: {
    id: "cisaE2ee",
    text:
      'Dec 2024, after Salt Typhoon, CISA told highly targeted people: "Use end-to-end encrypted communications, such as Signal or similar apps".',
    source:
      'CISA, "Mobile Communications Best Practice Guidance", 18 Dec 2024, https://cisa.gov/news-events/alerts/2024/12/18/cisa-releases-best-practice-guidance-mobile-communications',
  },
  athens: {
    id: "athens",
    text:
      "Greece, 2004-05: rogue code hijacked the built-in lawful-intercept functions in Vodafone's switches to tap 100+ phones, incl. the Prime Minister's.",
    source:
      'V. Prevelakis, D. Spinellis, "The Athens Affair", IEEE Spectrum, July 2007, https://spectrum.ieee.org/the-athens-affair; The Guardian, "Vodafone faces Greek censure over mobile tapping scandal", 10 Apr 2006',
  },
  tsaKeys: {
    id: "tsaKeys",
    text:
      "Sept 2015: after a newspaper ran a photo of the TSA's master keys, 3D-printable files for all 7 Travel Sentry master keys were posted online.",
    source:
      'Wired, "Lockpickers 3-D Print TSA Luggage Keys From Leaked Photos", Sept 2015; Tech Times, 11 Sept 2015, https://www.techtimes.com/articles/84039/20150911/tsa-luggage-locks-compromised-after-master-key-designs-leak-online.htm',
  },
  clipper: {
    id: "clipper",
    text:
      "Clipper (1993): each chip key was split between two US escrow agents; all chips in a family shared one key. 1994: Matt Blaze forged its escrow field.",
    source:
      'M. Blaze, "Protocol Failure in the Escrowed Encryption Standard", ACM CCS 1994 (draft 3 June 1994), https://www.mattblaze.org/papers/eesproto.pdf; NIST, "Technical Fact Sheet on Blaze Report and Key Escrow Encryption", 1994',
  },
  // ── doormat demo ghost: backdoors.md §3.1–3.2, [src] passages only ──
  ghostProposal: {
    id: "ghostProposal",
    text:
      'Nov 2018, GCHQ (Levy, Robinson): "relatively easy for a service provider to silently add a law enforcement participant to a group chat or call".',
    source:
      'I. Levy, C. Robinson, "Principles for a More Informed Exceptional Access Debate", Lawfare, November 2018, https://www.lawfareblog.com/principles-more-informed-exceptional-access-debate; quoted by CNBC, 30 May 2019, https://www.cnbc.com/2019/05/30/apple-google-and-whatsapp-condemn-gchq-ghost-proposal.html',
  },
  ghostHypothetical: {
    id: "ghostHypothetical",
    text: 'Levy later called the ghost "hypothetical", "always intended as a starting point for discussion".',
    source:
      'City A.M., "Apple, Google and Whatsapp slam GCHQ over \'ghost\' eavesdropping plans", 30 May 2019 (Levy\'s reply to the open letter), https://cityam.com/?p=1018344',
  },
  ghostLetter: {
    id: "ghostLetter",
    text:
      '30 May 2019: 47 signatories, incl. Apple, Google, Microsoft, WhatsApp: the ghost would "surreptitiously inject a new public key into a conversation".',
    source:
      'New America OTI, "Open Letter Calls on the UK\'s GCHQ to Abandon its Dangerous Ghost Proposal", 30 May 2019, https://www.newamerica.org/oti/press-releases/open-letter-calls-uks-gchq-abandon-its-dangerous-ghost-proposal-threatens-encryption-cybersecurity-and-human-rights/; CNBC, 30 May 2019',
  },
  ghostSuppress: {
    id: "ghostSuppress",
    text:
      'It would also "mislead users by suppressing the notifications that routinely appear when a new communicant joins a chat" (open letter, 2019).',
    source:
      'Open letter to GCHQ on the ghost proposal, published 30 May 2019, https://www.newamerica.org/oti/press-releases/open-letter-calls-uks-gchq-abandon-its-dangerous-ghost-proposal-threatens-encryption-cybersecurity-and-human-rights/',
  },
  whatsappKt: {
    id: "whatsappKt",
    text: "13 April 2023: WhatsApp announced key transparency, built on its open-source Auditable Key Directory (AKD) library.",
    source:
      'Meta Engineering, "Deploying key transparency at WhatsApp", 13 April 2023, https://engineering.fb.com/2023/04/13/security/whatsapp-key-transparency/; facebook/akd, https://github.com/facebook/akd',
  },
  cloudflareAuditor: {
    id: "cloudflareAuditor",
    text: "Since September 2024 Cloudflare runs an independent auditor of WhatsApp's key-transparency log, checking each epoch and one root per epoch.",
    source:
      'Cloudflare, "Monitor the Auditor", https://developers.cloudflare.com/key-transparency/monitor-the-auditor; Cloudflare blog, September 2024, "Cloudflare helps verify the security of end-to-end encrypted messages by auditing key transparency for WhatsApp"',
  },
  // ── demo kleptography: Dual EC and Juniper (backdoors.md §4.1, [src] passages only) ─────────
  juniperDualEc: {
    id: "juniperDualEc",
    text:
      "2008: Juniper's ScreenOS 6.2.0 added Dual EC with Juniper's own Q; a bug let raw Dual EC output onto the wire in 32-byte IKE nonces.",
    source:
      'S. Checkoway et al., "A Systematic Analysis of the Juniper Dual EC Incident", ACM CCS 2016, https://docslib.org/doc/10853694/a-systematic-analysis-of-the-juniper-dual-ec-incident; M. Green, "On the Juniper backdoor", Dec 2015, http://blog.cryptographyengineering.com/2015/12/on-juniper-backdoor.html',
  },
  juniperSwap: {
    id: "juniperSwap",
    text:
      "2012: someone replaced Juniper's Q in ScreenOS with their own (6.2.0r15-r18, 6.3.0r12-r20); Juniper's patch put the 2008 Q back.",
    source:
      "Checkoway et al., ACM CCS 2016; The Register, 26 Jan 2016; ScreenOS firmware string diffs, https://github.com/hdm/juniper-cve-2015-7755",
  },
  juniperAdvisory: {
    id: "juniperAdvisory",
    text: '17 Dec 2015: Juniper disclosed "unauthorized code" in ScreenOS; the VPN decryption flaw is CVE-2015-7756.',
    source:
      'Juniper, "2015-12 Out of Cycle Security Bulletin: ScreenOS: Multiple Security issues with ScreenOS (CVE-2015-7755, CVE-2015-7756)", 17 Dec 2015; The Register, 26 Jan 2016 (ISN list archive, mail-archive.com/isn@lists.infosecnews.org/msg01880.html)',
  },
  checkoway2016: {
    id: "checkoway2016",
    text:
      "Checkoway et al., ACM CCS 2016: since 2008 whoever chose Q could passively decrypt the VPN; they did it on a real NetScreen with their own Q.",
    source:
      'S. Checkoway et al., "A Systematic Analysis of the Juniper Dual EC Incident", ACM CCS 2016, https://docslib.org/doc/10853694/a-systematic-analysis-of-the-juniper-dual-ec-incident; CACM research highlight "Where Did I Leave My Keys?", Nov 2018, https://cacm.acm.org/research/where-did-i-leave-my-keys/',
  },
} as const satisfies { readonly [id: string]: Fact };

export type FactId = keyof typeof FACTS;
